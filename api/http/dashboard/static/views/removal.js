// A removal's status, live until DAP is revoked (relationshipEvents), and the list of
// removals.

import { REMOVAL, REMOVALS } from '../documents.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { listen } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session } from '../session.js';
import {
  badge,
  breadcrumb,
  details,
  emptyState,
  errorPage,
  forbiddenPage,
  formatDateTime,
  gdapTable,
  keepFocus,
  legalNotice,
  loading,
  notFoundPage,
  pagedList,
  pageTitle,
  section,
  showTable,
  table,
  unlessQuiet,
} from './common.js';


export function renderRemoval(main, { params: [id], signal, kept }) {
  if (!session.can.manageRemovals) {
    forbiddenPage(main, t('nav.removals'));
    return;
  }
  let removal = null;
  const statusRegion = h('div', { 'aria-live': 'polite', class: 'status-region', 'data-testid': 'removal-status' });
  replace(main, loading());

  function steps() {
    const revoked = removal.delegatedAdminRevoked;
    return h(
      'ol',
      { class: 'checklist' },
      h('li', { class: 'done' }, t('removal.stepList', { company: removal.customerName })),
      h(
        'li',
        { class: revoked ? 'done' : 'pending', 'data-testid': 'dap-step' },
        revoked
          ? t('removal.dapRevoked')
          : [h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('removal.dapRevoking')],
      ),
      removal.gdapRelationshipsRetained
        ? h('li', { class: 'done' }, t('removal.gdapKept', { count: removal.gdapRelationshipsRetained.length }))
        : null,
      h('li', { class: 'done' }, t('removal.noNotice')),
    );
  }

  function drawStatus() {
    replace(
      statusRegion,
      h(
        'p',
        { class: 'status-line' },
        t('removal.status'),
        ' ',
        badge('RemovalStatus', removal.status, { extra: 'large' }),
      ),
      steps(),
      removal.completedAt ? h('p', {}, t('removal.completedAt', { at: formatDateTime(removal.completedAt) })) : null,
    );
  }

  function draw() {
    replace(
      main,
      breadcrumb([[t('nav.removals'), links.removals()], [removal.customerName]]),
      pageTitle(t('removal.title', { company: removal.customerName })),
      h('div', { class: 'card' }, statusRegion),
      legalNotice({ testId: 'legal-notice', title: t('removal.noticeTitle'), text: t('removal.noticeText') }),
      section(
        t('removal.details'),
        details([
          [t('removal.customer'), removal.customerName],
          [t('customer.tenantId'), h('span', { class: 'mono' }, removal.customerTenantId)],
          [t('removal.requestedBy'), removal.requestedBy],
          [t('removal.requestedAt'), formatDateTime(removal.requestedAt)],
          [t('removal.reason'), removal.reason],
        ]),
      ),
      removal.gdapRelationshipsRetained
        ? section(t('remove.gdapKept'), gdapTable(removal.gdapRelationshipsRetained, t('remove.gdapKept')))
        : null,
      h('p', {}, h('a', { href: links.customers() }, t('common.backToCustomers'))),
    );
    drawStatus();
  }

  // Events for this removal only; one that comes during the first load is not lost
  // (the loader runs a refresh after it), and an older answer never overwrites a newer.
  const loader = createLoader({
    signal,
    kept,
    load: (loadSignal) => query(REMOVAL, { id, ...guardVariables() }, { signal: loadSignal }),
    apply: (data) => {
      if (!data.node) {
        notFoundPage(main, { title: t('removal.notFoundTitle'), back: [t('nav.removals'), links.removals()] });
        return;
      }
      const first = removal === null;
      removal = data.node;
      if (first) draw();
      else keepFocus(main, drawStatus);
    },
    fail: unlessQuiet((error) => errorPage(main, error, () => loader.reload())),
  });
  listen('relationship', loader.when((event) => event.removal?.id === id), signal);
  listen('reconnected', loader.when(), signal);
  loader.begin();
}

function removalRows(rows) {
  return table({
    caption: t('nav.removals'),
    testId: 'removal-table',
    rowKey: (r) => r.id,
    rows,
    columns: [
      {
        key: 'customer',
        label: t('removal.customer'),
        header: true,
        render: (r) => h('a', { href: links.removal(r.id) }, r.customerName),
      },
      { key: 'status', label: t('removals.col.status'), render: (r) => badge('RemovalStatus', r.status) },
      {
        key: 'dap',
        label: t('removals.col.dap'),
        render: (r) => (r.delegatedAdminRevoked ? t('removals.revoked') : t('removals.revoking')),
      },
      { key: 'requested', label: t('removal.requestedAt'), render: (r) => formatDateTime(r.requestedAt) },
    ],
  });
}

export function renderRemovals(main, { signal, kept }) {
  if (!session.can.manageRemovals) {
    forbiddenPage(main, t('nav.removals'));
    return;
  }
  const results = h('div', { class: 'results' });
  const more = h('button', { type: 'button', class: 'button', hidden: true }, t('paging.more'));
  replace(
    main,
    pageTitle(t('nav.removals')),
    h('p', { class: 'lead' }, t('removals.intro')),
    results,
    h('div', { class: 'pager' }, more),
  );
  const list = pagedList({
    results,
    more,
    signal,
    kept,
    fetchPage: (page, loadSignal) =>
      query(REMOVALS, page, { signal: loadSignal }).then((data) => data.relationshipRemovals),
    draw: (rows) =>
      rows.length ? showTable(results, removalRows(rows)) : replace(results, emptyState(t('removals.empty'))),
  });
  listen('relationship', list.when(), signal);
  listen('reconnected', list.when(), signal);
  list.begin();
}
