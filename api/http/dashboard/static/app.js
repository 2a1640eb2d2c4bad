// The partner dashboard (and, on /invitations/<token>, the customer's page).

import { onUnauthenticated } from './api.js';
import { h, preserveInputs, replace } from './dom.js';
import { redrawExpiryWarning, stopWatchingExpiry, watchExpiry } from './expiry.js';
import { LANGUAGES, label, language, onLanguageChange, setLanguage, t } from './i18n.js';
import { listen, liveState, startLive, stopLive } from './live.js';
import { currentRoute, href, links, match, navigate } from './router.js';
import { session, signIn, signOut, storedToken } from './session.js';
import { clearToasts, outdated, toast } from './toasts.js';
import { renderAccept } from './views/accept.js';
import { errorPage, loading, notFoundPage } from './views/common.js';
import { renderCustomer } from './views/customer.js';
import { renderCustomers } from './views/customers.js';
import { renderInvitation } from './views/invitation.js';
import { renderInvitations } from './views/invitations.js';
import { renderInvite } from './views/invite.js';
import { renderRemoval, renderRemovals } from './views/removal.js';
import { renderRemove } from './views/remove.js';
import { renderSignIn } from './views/signin.js';

const ROUTES = [
  [/^\/$/, renderCustomers],
  [/^\/customers\/?$/, renderCustomers],
  [/^\/customers\/([^/]+)\/remove$/, renderRemove],
  [/^\/customers\/([^/]+)$/, renderCustomer],
  [/^\/invite$/, renderInvite],
  [/^\/invitations\/?$/, renderInvitations],
  [/^\/invitations\/([^/]+)$/, renderInvitation],
  [/^\/removals\/?$/, renderRemovals],
  [/^\/removals\/([^/]+)$/, renderRemoval],
];

const main = document.getElementById('main');
const header = document.getElementById('header');
let routeController = null;
// What the view on screen has loaded: kept while it is only redrawn (another language),
// a new one for each navigation.
let kept = new Map();
let signInNotice = null;

function languageSwitch() {
  const select = h(
    'select',
    { id: 'language', name: 'language', class: 'compact' },
    LANGUAGES.map((lang) =>
      h('option', { value: lang.code, selected: lang.code === language(), lang: lang.code }, lang.name),
    ),
  );
  select.addEventListener('change', () => setLanguage(select.value));
  return h(
    'div',
    { class: 'language' },
    h('label', { for: 'language', class: 'visually-hidden' }, t('nav.language')),
    select,
  );
}

let headerController = null;

function liveIndicator(signal) {
  const element = h('span', { class: 'live', 'data-testid': 'live-status', 'data-state': liveState() });
  const draw = (state) => {
    element.dataset.state = state;
    replace(element, h('span', { class: 'dot', 'aria-hidden': 'true' }), t(`live.${state}`));
    element.title = t(`live.${state}Title`);
  };
  draw(liveState());
  listen('state', draw, signal);
  return element;
}

function renderHeader() {
  headerController?.abort();
  headerController = new AbortController();
  document.querySelector('.skip-link')?.replaceChildren(t('nav.skip'));
  const brand = h(
    'a',
    { class: 'brand', href: document.body.dataset.mode === 'customer' ? '#main' : links.customers() },
    h('span', { class: 'logo', 'aria-hidden': 'true' }),
    'Partner Connect',
  );
  if (document.body.dataset.mode === 'customer' || !session.viewer) {
    replace(header, h('div', { class: 'header-inner' }, brand, h('div', { class: 'header-tools' }, languageSwitch())));
    return;
  }
  const { path } = currentRoute();
  const link = (target, text, active) => h('a', { href: href(target), 'aria-current': active ? 'page' : null }, text);
  const nav = h(
    'nav',
    { class: 'primary-nav', 'aria-label': t('nav.main') },
    h(
      'ul',
      {},
      h('li', {}, link('/customers', t('nav.customers'), path === '/' || path.startsWith('/customers'))),
      session.can.manageInvitations
        ? h('li', {}, link('/invitations', t('nav.invitations'), path.startsWith('/invitation') || path === '/invite'))
        : null,
      session.can.manageRemovals
        ? h('li', {}, link('/removals', t('nav.removals'), path.startsWith('/removals')))
        : null,
    ),
  );
  const user = h(
    'div',
    { class: 'user' },
    h('span', { class: 'user-org', 'data-testid': 'signed-in-as' }, session.partner.name),
    h('span', { class: 'user-role' }, session.viewer.roles.map((role) => label('Role', role)).join(', ')),
  );
  const signOutButton = h('button', { type: 'button', class: 'button small', onclick: doSignOut }, t('nav.signOut'));
  replace(
    header,
    h(
      'div',
      { class: 'header-inner' },
      brand,
      nav,
      h(
        'div',
        { class: 'header-tools' },
        session.can.subscribe ? liveIndicator(headerController.signal) : null,
        languageSwitch(),
        user,
        signOutButton,
      ),
    ),
  );
}

function doSignOut() {
  stopWatchingExpiry();
  stopLive();
  clearToasts();
  signOut();
  signInNotice = null;
  navigate('/');
}

/** A new token before the old one expires: the same user carries on where they are;
 * someone else starts afresh (what the previous user kept is gone). */
async function renew(token) {
  const before = session.viewer;
  await signIn(token);
  const sameUser = session.viewer.userId === before?.userId && session.viewer.tenantId === before?.tenantId;
  afterSignIn({ resume: sameUser });
  if (!sameUser) {
    route();
    return;
  }
  renderHeader();
  // The warning (and the field typed in) is gone: the focus goes back to the page.
  document.getElementById('page-title')?.focus();
}

async function submitSignIn(token) {
  await signIn(token);
  afterSignIn();
  signInNotice = null;
  route(); // the page that was asked for (a deep link survives signing in)
}

function afterSignIn({ resume = false } = {}) {
  if (session.can.subscribe) startLive(session.token, { resume });
  watchExpiry({ renew, signOut: doSignOut });
}

function focusTitle() {
  const title = document.getElementById('page-title');
  if (title) title.focus({ preventScroll: false });
}

/** Renders the view for the current hash and focuses its title (unless `keepFocus`);
 * `redraw` draws the same page again from what it has loaded. */
function route({ keepFocus = false, redraw = false } = {}) {
  if (!redraw) kept = new Map();
  routeController?.abort();
  routeController = new AbortController();
  const { signal } = routeController;
  renderHeader();
  if (!session.viewer) {
    renderSignIn(main, { submit: submitSignIn, notice: signInNotice });
    document.title = `${t('signin.title')} · Partner Connect`;
    focusAfterRender(signal, keepFocus);
    return;
  }
  const { path, query } = currentRoute();
  const found = match(ROUTES, path);
  if (!found) {
    notFoundPage(main, { title: t('notFound.title') });
    focusAfterRender(signal, keepFocus);
    return;
  }
  found.view(main, { params: found.params, query, signal, kept });
  focusAfterRender(signal, keepFocus);
}

/** Moves focus to the new page's title once it is on screen, and names the tab after it. */
function focusAfterRender(signal, keepFocus) {
  const settle = () => {
    if (signal.aborted) return true;
    const title = document.getElementById('page-title');
    if (!title) return false;
    document.title = `${title.textContent} · Partner Connect`;
    const lost = !main.contains(document.activeElement) || document.activeElement === document.body;
    if (lost && !keepFocus) focusTitle();
    return true;
  };
  if (settle()) return;
  const observer = new MutationObserver(() => {
    if (settle()) observer.disconnect();
  });
  observer.observe(main, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect());
}

async function startDashboard() {
  listen('accepted', (event) => {
    const company = event.invitation.customer?.companyName ?? event.invitation.recipientEmail ?? event.customerTenantId;
    const customerId = event.invitation.customer?.id;
    toast(t('live.acceptedToast', { company }), {
      kind: 'success',
      action: customerId
        ? { label: t('live.openCustomer'), href: links.customer(customerId) }
        : null,
    });
  });
  // Whichever page is on screen: "on its way" goes once the email was sent (or failed).
  listen('invitation', (update) => outdated(`invitation:${update.id}`, update.status));
  listen('relationship', (event) => {
    const company = event.removal?.customerName ?? event.customerTenantId;
    if (event.kind === 'DELEGATED_ADMIN_REVOKED') {
      toast(t('live.dapRevokedToast', { company }), { kind: 'info' });
    }
    if (event.kind === 'REMOVAL_FAILED') {
      toast(t('live.removalFailedToast', { company }), {
        kind: 'error',
        action: event.removal ? { label: t('remove.openRemoval'), href: links.removal(event.removal.id) } : null,
      });
    }
  });
  onUnauthenticated(() => {
    if (!session.viewer) return;
    stopWatchingExpiry();
    stopLive();
    clearToasts();
    signOut();
    signInNotice = t('signin.sessionEnded');
    route();
  });
  window.addEventListener('hashchange', () => route());
  // The page is drawn again in the new language from what it has loaded, with what the
  // user typed; the focus stays on the switch.
  onLanguageChange(() => {
    preserveInputs(main, () => route({ keepFocus: true, redraw: true }));
    if (session.viewer) redrawExpiryWarning({ renew, signOut: doSignOut });
    document.getElementById('language')?.focus();
  });

  const token = storedToken();
  if (token) {
    replace(main, loading());
    try {
      await signIn(token);
      afterSignIn();
    } catch (error) {
      if (error?.code === 'NETWORK') {
        errorPage(main, error, () => location.reload());
        return;
      }
      signOut();
      signInNotice = t('signin.sessionEnded');
    }
  }
  route();
}

function startCustomerPage() {
  renderHeader();
  const rerender = renderAccept(main);
  const retitle = () => {
    const title = document.getElementById('page-title');
    if (title) document.title = `${title.textContent} · Partner Connect`;
  };
  retitle();
  new MutationObserver(retitle).observe(main, { childList: true });
  onLanguageChange(() => {
    renderHeader();
    preserveInputs(main, rerender);
    document.getElementById('language')?.focus();
  });
}

document.documentElement.lang = language();
if (document.body.dataset.mode === 'customer') startCustomerPage();
else startDashboard();
