// The page parts every view shares: titles, error and empty pages, tables kept in place
// across live refreshes, paged lists, user errors on form fields, the legal notice.
// Views import from here (and documents.js, token-form.js), never from another view.

import { h, replace, setFieldError, uid } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, label, t } from '../i18n.js';
import { createLoader } from '../loader.js';
import { currentRoute, href, links, navigate } from '../router.js';
import { toast } from '../toasts.js';

/** The page title (focused after navigation, so screen readers hear where they are). */
export function pageTitle(text, { id = 'page-title' } = {}) {
  return h('h1', { id, tabindex: '-1' }, text);
}

export function breadcrumb(items) {
  return h(
    'nav',
    { class: 'breadcrumb', 'aria-label': t('nav.breadcrumb') },
    h(
      'ol',
      {},
      items.map(([text, link]) =>
        h('li', {}, link ? h('a', { href: link }, text) : h('span', { 'aria-current': 'page' }, text)),
      ),
    ),
  );
}

export function loading(text = t('common.loading')) {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** A readable message for an ApiError or a userError code. */
export function errorMessage(error) {
  const code = error?.code ?? 'ERROR';
  const known = {
    NETWORK: 'error.network',
    UNAUTHENTICATED: 'error.unauthenticated',
    FORBIDDEN: 'error.forbidden',
    RATE_LIMITED: 'error.RATE_LIMITED',
    NOT_FOUND: 'error.NOT_FOUND',
  }[code];
  if (known) return t(known);
  const first = error?.errors?.[0];
  if (code === 'INVALID' && first) return userErrorMessage({ code, field: first.extensions?.field });
  const requestId = first?.extensions?.requestId;
  return requestId ? t('error.genericWithId', { requestId }) : t('error.generic');
}

export function errorPanel(error, retry) {
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert' },
    h('p', {}, errorMessage(error)),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, t('common.retry')) : null,
  );
}

/**
 * Our own text for a user error, by its code and field (never the server's English
 * in another language): `invalid.<field path>` for INVALID, `error.<CODE>` otherwise,
 * a general sentence for the code when neither is known.
 */
export function userErrorMessage(userError) {
  const path = (userError.field ?? []).join('.');
  const keys =
    userError.code === 'INVALID' ? [`invalid.${path}`, 'invalid.default'] : [`error.${userError.code}`, 'error.refused'];
  for (const key of keys) {
    const text = t(key);
    if (text !== key) return text;
  }
  return t('error.refused');
}

export function badge(type, value, { extra } = {}) {
  if (!value) return null;
  return h(
    'span',
    { class: ['badge', `badge-${String(value).toLowerCase()}`, extra], 'data-status': value },
    label(type, value),
  );
}

function yesNo(value) {
  return h('span', { class: ['badge', value ? 'badge-yes' : 'badge-no'] }, value ? t('common.yes') : t('common.no'));
}

/**
 * Whether orders for the customer are accepted and, when not, why: an indirect
 * reseller's provider orders for it; anyone else lacks a reseller relationship.
 */
export function canTransact(customer, partnerKind) {
  if (customer.canTransact) return yesNo(true);
  const reason = partnerKind === 'INDIRECT_RESELLER' ? 'transact.byProvider' : 'transact.noRelationship';
  return h('span', { 'data-testid': 'can-transact' }, yesNo(false), ' ', h('span', { class: 'reason' }, t(reason)));
}

/** A definition list from [term, value] pairs; empty values show a dash. */
export function details(pairs) {
  return h(
    'dl',
    { class: 'details' },
    pairs
      .filter(Boolean)
      .map(([term, value]) =>
        h(
          'div',
          {},
          h('dt', {}, term),
          h('dd', {}, value === null || value === undefined || value === '' ? '—' : value),
        ),
      ),
  );
}

/**
 * A table that becomes a list of cards at phone width (each cell carries its column
 * name in data-label). columns: [{key, label, render(row) -> Node|string, className}]
 */
export function table({ caption, columns, rows, rowKey, rowClass, testId }) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table', 'data-testid': testId },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((column) => h('th', { scope: 'col', 'data-column': column.key }, column.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            { 'data-key': rowKey ? rowKey(row) : null, class: rowClass ? rowClass(row) : null },
            columns.map((column) =>
              h(
                column.header ? 'th' : 'td',
                {
                  'data-label': column.label,
                  'data-column': column.key,
                  class: column.className,
                  scope: column.header ? 'row' : null,
                },
                h('div', { class: 'cell' }, column.render(row)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Shows `next` (a fresh `table()`) in `container`. Where the same table is already
 * there, rows are patched by key and only the cells that changed are replaced, so a
 * quiet refresh leaves a focused link or button where it is, focused.
 */
export function showTable(container, next) {
  const current = container.querySelector(':scope > .table-wrap');
  const oldTable = current?.querySelector('table');
  const newTable = next.querySelector('table');
  const sameHead =
    oldTable &&
    oldTable.tHead.isEqualNode(newTable.tHead) &&
    oldTable.caption?.textContent === newTable.caption?.textContent &&
    [...newTable.tBodies[0].rows].every((row) => row.dataset.key);
  if (!sameHead) {
    replace(container, next);
    return;
  }
  const body = oldTable.tBodies[0];
  const old = new Map([...body.rows].map((row) => [row.dataset.key, row]));
  const wanted = [...newTable.tBodies[0].rows].map((row) => {
    const existing = old.get(row.dataset.key);
    if (!existing) return row;
    old.delete(row.dataset.key);
    if (existing.className !== row.className) existing.className = row.className;
    [...row.cells].forEach((cell, index) => {
      if (!existing.cells[index].isEqualNode(cell)) existing.cells[index].replaceWith(cell);
    });
    return existing;
  });
  for (const gone of old.values()) gone.remove();
  wanted.forEach((row, index) => {
    const there = body.rows[index] ?? null;
    if (there === row) return;
    // moveBefore keeps focus on a row that moves (Chromium); a new row is inserted.
    if (row.parentNode === body && body.moveBefore) body.moveBefore(row, there);
    else body.insertBefore(row, there);
  });
}

/**
 * Runs `update` (which redraws part of `container`) and, if that took the focus away,
 * gives it to the control that stands where the focused one stood (same id, or same
 * kind of element with the same link or name).
 */
export function keepFocus(container, update) {
  const focused = container.contains(document.activeElement) ? document.activeElement : null;
  const was = focused && {
    id: focused.id,
    tag: focused.tagName,
    href: focused.getAttribute('href'),
    text: focused.textContent,
  };
  update();
  if (!was || container.contains(focused)) return;
  const same = was.id
    ? document.getElementById(was.id)
    : [...container.querySelectorAll(was.tag)].find(
        (element) => element.getAttribute('href') === was.href && element.textContent === was.text,
      );
  if (same && container.contains(same)) same.focus({ preventScroll: true });
}

// The API gives at most 100 rows a page.
const API_PAGE_MAX = 100;

/** The first `count` rows, from the start, in pages the API allows. */
async function firstRows(fetchPage, count, signal) {
  const rows = [];
  let after = null;
  let connection;
  do {
    connection = await fetchPage({ first: Math.min(API_PAGE_MAX, count - rows.length), after }, signal);
    rows.push(...connection.edges.map((edge) => edge.node));
    after = connection.pageInfo.endCursor;
  } while (connection.pageInfo.hasNextPage && rows.length < count);
  return { rows, total: connection.totalCount, hasMore: connection.pageInfo.hasNextPage };
}

/**
 * A list that shows its first rows and a "Show more" button. More raises how many are
 * shown and loads them again from the start, so live refreshes (`refresh`, `when`)
 * replace the rows rather than append to them. `fetchPage({first, after}, signal)`
 * returns a connection; `draw(rows, total)` shows them (with `showTable`).
 */
export function pagedList({ results, more, signal, kept, pageSize = 25, fetchPage, draw }) {
  let count = kept?.get('count') ?? pageSize;
  const loader = createLoader({
    signal,
    kept,
    load: (loadSignal) => firstRows(fetchPage, count, loadSignal),
    apply: ({ rows, total, hasMore }) => {
      keepFocus(results.parentNode, () => {
        draw(rows, total);
        more.hidden = !hasMore;
      });
      if (more.hidden && document.activeElement === more) results.querySelector('a, button')?.focus();
    },
    fail: unlessQuiet((error) =>
      // Retried with as many rows as were asked for ("Show more" included).
      replace(
        results,
        errorPanel(error, () => {
          replace(results, loading());
          loader.reload();
        }),
      ),
    ),
    onBusy: (busy) => results.setAttribute('aria-busy', String(busy)),
  });
  more.addEventListener('click', () => {
    count += pageSize;
    kept?.set('count', count);
    loader.reload();
  });
  const list = {
    /** From the first page again (a new filter), with the loading line shown. */
    reload() {
      count = pageSize;
      kept?.delete('count');
      replace(results, loading());
      return loader.reload();
    },
    /** The first load: what the route already has, else the first page. */
    begin() {
      if (!kept?.has('data')) replace(results, loading());
      return loader.begin();
    },
    refresh: loader.refresh,
    when: loader.when,
  };
  return list;
}

/**
 * Where a mutation's answer leads, once it arrives (mutations are not cancelled with
 * their page): to `path` if the user is still on `from` (perhaps redrawn in another
 * language), else a toast saying `text` with a link there.
 */
export function goOnTo(path, { from, text, linkText }) {
  if (currentRoute().path === from) navigate(path);
  else toast(text, { kind: 'success', action: { label: linkText, href: href(path) } });
}

/**
 * A loader's `fail` that shows `show(error)` for a load the user asked for, and only
 * a toast for a quiet refresh (what is on screen stays: good data is not replaced by an
 * error page because a live refresh failed).
 */
export function unlessQuiet(show) {
  return (error, { quiet }) => (quiet ? toast(errorMessage(error), { kind: 'error' }) : show(error));
}

/**
 * One mutation at a time for a page, its redraws included (another language): `lock`
 * disables its controls while one is on its way — sent from this drawing of the page or
 * an earlier one — and enables them again at the answer. Returns `send(promise)`.
 */
export function pendingGuard(kept, lock) {
  const track = (promise) => {
    lock(true);
    promise
      .finally(() => {
        if (kept.get('pending') === promise) kept.delete('pending');
        lock(false);
      })
      .catch(() => {}); // the sender handles the failure
    return promise;
  };
  if (kept.has('pending')) track(kept.get('pending'));
  return (promise) => {
    kept.set('pending', promise);
    return track(promise);
  };
}

/** The page for a load that failed: a heading (for the focus and the tab's title) and
 * what went wrong, with a retry. */
export function errorPage(main, error, retry) {
  replace(main, pageTitle(t('error.title')), errorPanel(error, retry));
}

/** The page for a view the viewer's role does not allow. */
export function forbiddenPage(main, title) {
  replace(main, pageTitle(title), h('p', { class: 'alert alert-info' }, t('error.forbidden')));
}

/** The page for something that is not there (or not the viewer's), with a way back. */
export function notFoundPage(main, { title, text = null, back = [t('common.backToCustomers'), links.customers()] }) {
  replace(
    main,
    pageTitle(title),
    text ? h('p', {}, text) : null,
    h('p', {}, h('a', { href: back[1] }, back[0])),
  );
}

/**
 * Puts the API's user errors on the form's fields, found by the error's field path
 * (`company.name`) or its last part (`recipientEmail`); a field may be a function that
 * shows the message itself. Errors no field takes go to `formError`. The first invalid
 * field gets the focus.
 */
export function showUserErrors(userErrors, { form, fields, formError, message = userErrorMessage }) {
  for (const userError of userErrors) {
    const path = userError.field ?? [];
    const target = fields[path.join('.')] ?? fields[path.at(-1)];
    const text = message(userError);
    if (typeof target === 'function') target(text);
    else if (target) setFieldError(target, text);
    else formError.append(h('p', { class: 'alert alert-error' }, text));
  }
  form.querySelector('[aria-invalid="true"]')?.focus();
}

/**
 * The attestation a removal needs (removalAttestation: its text in the language shown,
 * its version) and the box to tick. `confirmed()` says whether it is ticked, and when it
 * is not says so at the box and puts the focus there.
 */
export function attestationField(attestation) {
  const checkbox = h('input', { type: 'checkbox', name: 'attestation', id: uid('attest') });
  const textId = uid('attestation-text');
  const checkError = h('p', { class: 'field-error', id: uid('attest-error'), hidden: true });
  checkbox.setAttribute('aria-describedby', `${textId} ${checkError.id}`);
  checkbox.addEventListener('change', () => {
    if (checkbox.checked) {
      checkError.hidden = true;
      checkbox.removeAttribute('aria-invalid');
    }
  });
  const fieldset = h(
    'fieldset',
    { class: 'attestation' },
    h('legend', {}, t('remove.attestationLegend')),
    // An operator's own text has no language of ours: the page's is not claimed for it.
    h('blockquote', { id: textId, lang: attestation.language ?? '', 'data-testid': 'attestation-text' }, attestation.text),
    h('p', { class: 'hint' }, t('remove.attestationVersion', { version: attestation.version })),
    h('div', { class: 'checkbox' }, checkbox, h('label', { for: checkbox.id }, t('remove.attest'))),
    checkError,
  );
  function confirmed() {
    if (checkbox.checked) return true;
    checkError.textContent = t('remove.attestRequired');
    checkError.hidden = false;
    checkbox.setAttribute('aria-invalid', 'true');
    checkbox.focus();
    return false;
  }
  return { fieldset, confirmed };
}

/** A customer back in the list because its removal failed: the mark, why, and the way to the removal. */
export function failedRemovalNote(failedRemoval) {
  if (!failedRemoval) return null;
  return h(
    'p',
    { class: 'removal-failed', 'data-testid': 'removal-failed' },
    h('a', { class: 'badge badge-failed', href: links.removal(failedRemoval.id) }, t('customers.removalFailed')),
    ' ',
    failedRemoval.error ? label('RemovalErrorCode', failedRemoval.error.code) : null,
  );
}

/** The warning that Partner Connect sends nothing to the customer (removals). */
export function legalNotice({ testId, title, text }) {
  return h(
    'div',
    { class: 'alert alert-warning notice', 'data-testid': testId },
    h('h2', {}, title),
    h('p', {}, text),
  );
}

/** The GDAP relationships (a customer's, or those a removal keeps). */
export function gdapTable(relationships, caption) {
  if (!relationships.length) return emptyState(t('customer.noGdap'));
  return table({
    caption,
    testId: 'gdap-table',
    columns: [
      { key: 'name', label: t('gdap.col.name'), header: true, render: (g) => g.displayName },
      { key: 'roles', label: t('gdap.col.roles'), render: (g) => g.roles.join(', ') },
      { key: 'status', label: t('gdap.col.status'), render: (g) => badge('GdapStatus', g.status) },
      { key: 'ends', label: t('gdap.col.ends'), render: (g) => formatDate(g.endsAt) },
    ],
    rows: relationships,
    rowKey: (g) => g.id,
  });
}

/** Where the user is in requesting a relationship: customer, email, done. */
export function steps(current) {
  const names = ['customer', 'email', 'done'];
  return h(
    'ol',
    { class: 'steps', 'aria-label': t('invite.stepsLabel') },
    names.map((name, index) =>
      h(
        'li',
        { class: index < names.indexOf(current) ? 'done' : null, 'aria-current': name === current ? 'step' : null },
        h('span', { class: 'step-number', 'aria-hidden': 'true' }, String(index + 1)),
        t(`invite.step.${name}`),
      ),
    ),
  );
}

// The longest search the API takes (MAX_SEARCH_LENGTH in api/relationships/customer_list.py).
const MAX_SEARCH = 200;

/**
 * The search box's term, or null when it is longer than the API takes: then the field
 * says so, rather than the browser cutting a paste silently (no maxlength).
 */
export function searchTerm(entry) {
  const term = entry.input.value.trim();
  const tooLong = term.length > MAX_SEARCH;
  setFieldError(
    entry,
    tooLong ? t('search.tooLong', { max: formatNumber(MAX_SEARCH), count: formatNumber(term.length) }) : null,
  );
  return tooLong ? null : term;
}

export function emptyState(text) {
  return h('p', { class: 'empty' }, text);
}

export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export { formatDate, formatDateTime };
