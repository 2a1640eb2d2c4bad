// All invitations of the partner, filtered by status, with live status updates.

import { INVITATIONS } from '../documents.js';
import { field, h, replace } from '../dom.js';
import { label, t } from '../i18n.js';
import { listen } from '../live.js';
import { links } from '../router.js';
import { query, session } from '../session.js';
import {
  badge,
  emptyState,
  forbiddenPage,
  formatDate,
  formatDateTime,
  pageTitle,
  pagedList,
  showTable,
  table,
} from './common.js';


const FILTERS = {
  open: ['DRAFT', 'QUEUED', 'SENT'],
  ACCEPTED: ['ACCEPTED'],
  FAILED: ['FAILED'],
  closed: ['CANCELLED', 'EXPIRED'],
  all: null,
};
const PAGE = 25;

export function renderInvitations(main, { signal, kept }) {
  if (!session.can.manageInvitations) {
    forbiddenPage(main, t('nav.invitations'));
    return;
  }
  const filter = h(
    'select',
    { name: 'status' },
    Object.keys(FILTERS).map((key) =>
      h('option', { value: key, selected: key === kept.get('filter') }, t(`invitations.filter.${key}`)),
    ),
  );
  const filterField = field({ label: t('invitations.filterLabel'), input: filter });
  const results = h('div', { class: 'results' });
  const summary = h('p', { class: 'summary', role: 'status' });
  const more = h('button', { type: 'button', class: 'button', hidden: true }, t('paging.more'));
  replace(
    main,
    h(
      'div',
      { class: 'page-head' },
      pageTitle(t('nav.invitations')),
      h('a', { class: 'button primary', href: links.invite() }, t('customers.invite')),
    ),
    h('div', { class: 'toolbar' }, filterField.field, summary),
    results,
    h('div', { class: 'pager' }, more),
  );

  function draw(rows, total) {
    summary.textContent = t('invitations.count', { count: total });
    if (!rows.length) {
      replace(results, emptyState(t('invitations.empty')));
      return;
    }
    showTable(
      results,
      table({
              caption: t('nav.invitations'),
              testId: 'invitation-table',
              rowKey: (i) => i.id,
              rows,
              columns: [
                {
                  key: 'who',
                  label: t('invitations.col.customer'),
                  header: true,
                  render: (i) =>
                    h(
                      'a',
                      { href: links.invitation(i.id) },
                      i.customer?.companyName ?? t('invitation.newCustomer'),
                    ),
                },
                {
                  key: 'recipient',
                  label: t('invitations.col.recipient'),
                  render: (i) => i.recipientEmail ?? '—',
                  className: 'break',
                },
                {
                  key: 'status',
                  label: t('invitations.col.status'),
                  render: (i) => badge('InvitationStatus', i.status),
                },
                {
                  key: 'provider',
                  label: t('invitations.col.provider'),
                  render: (i) => i.indirectProvider?.name ?? '—',
                },
                { key: 'kind', label: t('invitations.col.kind'), render: (i) => label('InvitationKind', i.kind) },
                { key: 'created', label: t('invitations.col.created'), render: (i) => formatDateTime(i.createdAt) },
                { key: 'expires', label: t('invitations.col.expires'), render: (i) => formatDate(i.expiresAt) },
              ],
            }),
    );
  }

  // Every status change or new invitation refetches the shown rows (one load running,
  // at most one queued), so a burst of events can neither duplicate nor drop a row.
  const list = pagedList({
    results,
    more,
    signal,
    kept,
    pageSize: PAGE,
    fetchPage: (page, loadSignal) =>
      query(INVITATIONS, { ...page, status: FILTERS[filter.value] }, { signal: loadSignal }).then(
        (data) => data.invitations,
      ),
    draw,
  });
  filter.addEventListener('change', () => {
    kept.set('filter', filter.value);
    list.reload();
  });
  listen('invitation', list.when(), signal);
  listen('reconnected', list.when(), signal);
  list.begin();
}
