// Building blocks shared by the views.

import { h, uid } from '../dom.js';
import { formatDate, formatDateTime, label, t } from '../i18n.js';

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

export function yesNo(value) {
  return h('span', { class: ['badge', value ? 'badge-yes' : 'badge-no'] }, value ? t('common.yes') : t('common.no'));
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

export function emptyState(text) {
  return h('p', { class: 'empty' }, text);
}

export function section(title, ...children) {
  const id = uid('section');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export { formatDate, formatDateTime };
