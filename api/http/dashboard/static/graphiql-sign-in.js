// GraphiQL (GET /graphql) asks for the schema as soon as it is drawn, with the headers
// of its Headers tab (kept in localStorage): without a token that is an UNAUTHENTICATED
// error and "Error fetching schema" until the user fetches it again by hand. So this
// asks for a token first (in `partner-connect dev` it offers the demo users), checks
// it, keeps it in GraphiQL's headers and only then draws GraphiQL.

import { ApiError, graphql } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { tokenForm } from './views/token-form.js';

// GraphiQL keeps the headers of each tab in its tab state once it has drawn, and reads
// `graphiql:headers` only when it has none.
const TABS_KEY = 'graphiql:tabState';
const HEADERS_KEY = 'graphiql:headers';

function stored(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function headersOf(text) {
  try {
    const headers = JSON.parse(text || '{}');
    return headers && typeof headers === 'object' && !Array.isArray(headers) ? headers : {};
  } catch {
    return {};
  }
}

const isAuthorization = (name) => name.toLowerCase() === 'authorization';

/** The Authorization header GraphiQL sends now (its open tab's), or ''. */
function authorization() {
  const state = stored(TABS_KEY);
  const tab = state?.tabs?.[state.activeTabIndex];
  const headers = headersOf(tab ? tab.headers : localStorage.getItem(HEADERS_KEY));
  const name = Object.keys(headers).find(isAuthorization);
  return name ? String(headers[name]) : '';
}

function withToken(text, token) {
  const others = Object.entries(headersOf(text)).filter(([name]) => !isAuthorization(name));
  return JSON.stringify({ ...Object.fromEntries(others), Authorization: `Bearer ${token}` }, null, 2);
}

/** The token, in the headers of every tab and of those to come. */
function keep(token) {
  localStorage.setItem(HEADERS_KEY, withToken(localStorage.getItem(HEADERS_KEY), token));
  const state = stored(TABS_KEY);
  if (!Array.isArray(state?.tabs)) return;
  for (const tab of state.tabs) tab.headers = withToken(tab.headers, token);
  localStorage.setItem(TABS_KEY, JSON.stringify(state));
}

/** Throws the ApiError the token form shows unless the API accepts `token`. */
async function check(token) {
  if (!token) throw new ApiError('empty', { code: 'EMPTY_TOKEN' });
  await graphql('{ __typename }', {}, { token, quiet401: true });
}

async function accepted(token) {
  try {
    await check(token);
    return true;
  } catch {
    return false;
  }
}

function signIn(container, start) {
  // The dashboard's look for the form only: GraphiQL has styles of its own.
  const styles = h('link', { rel: 'stylesheet', href: '/static/styles.css' });
  document.head.append(styles);
  const submit = async (raw) => {
    const token = String(raw ?? '').trim();
    await check(token);
    styles.remove();
    start(token);
  };
  container.replaceChildren(
    h(
      'main',
      { class: 'stack' },
      h('h1', {}, t('graphiql.signInTitle')),
      h('p', {}, t('graphiql.signInIntro')),
      tokenForm({ submit }),
    ),
  );
}

const container = document.getElementById('graphiql');
// GraphiQL fetches the schema with the headers kept for new tabs, not its open tab's:
// the token goes there each time, then GraphiQL is drawn.
const start = (token) => {
  keep(token);
  container.replaceChildren();
  window.startGraphiQL(container);
};
const saved = authorization()
  .replace(/^Bearer\s+/i, '')
  .trim();
if (await accepted(saved)) start(saved);
else signIn(container, start);
