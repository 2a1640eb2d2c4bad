// All invitations of the partner, filtered by status, with live status updates.

import { field, h, replace } from '../dom.js';
import { label, t } from '../i18n.js';
import { INVITATION_FIELDS, listen } from '../live.js';
import { href } from '../router.js';
import { query, session } from '../session.js';
import { badge, emptyState, errorPanel, formatDate, formatDateTime, loading, pageTitle, table } from './common.js';

const INVITATIONS = `query Invitations($first: Int!, $after: String, $status: [InvitationStatus!]) {
  invitations(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${INVITATION_FIELDS} } }
  }
}`;

const FILTERS = {
  open: ['DRAFT', 'QUEUED', 'SENT'],
  ACCEPTED: ['ACCEPTED'],
  FAILED: ['FAILED'],
  closed: ['CANCELLED', 'EXPIRED'],
  all: null,
};
const PAGE = 25;

export function renderInvitations(main, { signal }) {
  if (!session.can.manageInvitations) {
    replace(main, pageTitle(t('nav.invitations')), h('p', { class: 'alert alert-info' }, t('error.forbidden')));
    return;
  }
  const filter = h(
    'select',
    { name: 'status' },
    Object.keys(FILTERS).map((key) => h('option', { value: key }, t(`invitations.filter.${key}`))),
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
      h('a', { class: 'button primary', href: href('/invite') }, t('customers.invite')),
    ),
    h('div', { class: 'toolbar' }, filterField.field, summary),
    results,
    h('div', { class: 'pager' }, more),
  );
  let rows = [];
  let cursor = null;

  function draw(total) {
    summary.textContent = t('invitations.count', { count: total });
    replace(
      results,
      rows.length
        ? [
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
                      { href: href(`/invitations/${encodeURIComponent(i.id)}`) },
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
          ]
        : emptyState(t('invitations.empty')),
    );
  }

  let total = 0;
  async function load({ append = false } = {}) {
    if (!append) {
      rows = [];
      cursor = null;
      replace(results, loading());
    }
    try {
      const data = await query(INVITATIONS, { first: PAGE, after: cursor, status: FILTERS[filter.value] }, { signal });
      if (signal.aborted) return;
      const connection = data.invitations;
      rows = [...rows, ...connection.edges.map((edge) => edge.node)];
      cursor = connection.pageInfo.endCursor;
      total = connection.totalCount;
      more.hidden = !connection.pageInfo.hasNextPage;
      draw(total);
    } catch (error) {
      if (signal.aborted || error?.name === 'AbortError') return;
      replace(
        results,
        errorPanel(error, () => load()),
      );
    }
  }
  filter.addEventListener('change', () => load());
  more.addEventListener('click', () => load({ append: true }));
  listen(
    'invitation',
    (update) => {
      const index = rows.findIndex((row) => row.id === update.id);
      if (index >= 0) {
        rows[index] = update;
        draw(total);
      } else {
        load();
      }
    },
    signal,
  );
  listen('reconnected', () => load(), signal);
  load();
}
