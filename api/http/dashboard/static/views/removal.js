// A removal's status, live until DAP is revoked (relationshipEvents), and the list of
// removals.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { listen } from '../live.js';
import { href } from '../router.js';
import { query, session } from '../session.js';
import { gdapTable } from './customer.js';
import {
  badge,
  breadcrumb,
  details,
  emptyState,
  errorPanel,
  formatDateTime,
  loading,
  pageTitle,
  section,
  table,
} from './common.js';

// Retained GDAP relationships are admin relationship data: asked for only where the
// viewer may see them ($admin).
export const REMOVAL_FIELDS = `id customerTenantId customerName status reason requestedBy requestedAt completedAt
  delegatedAdminRevoked legalNotice
  gdapRelationshipsRetained @include(if: $admin) { id displayName status roles createdAt endsAt }`;
const REMOVAL = `query Removal($id: ID!, $admin: Boolean!) {
  node(id: $id) { ... on RelationshipRemoval { ${REMOVAL_FIELDS} } }
}`;
const REMOVALS = `query Removals($first: Int!, $after: String) {
  relationshipRemovals(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id customerName customerTenantId status requestedAt completedAt delegatedAdminRevoked } }
  }
}`;

export function renderRemoval(main, { params: [id], signal }) {
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
      breadcrumb([[t('nav.removals'), href('/removals')], [removal.customerName]]),
      pageTitle(t('removal.title', { company: removal.customerName })),
      h('div', { class: 'card' }, statusRegion),
      h(
        'div',
        { class: 'alert alert-warning notice', 'data-testid': 'legal-notice' },
        h('h2', {}, t('removal.noticeTitle')),
        h('p', {}, t('removal.noticeText')),
      ),
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
      h('p', {}, h('a', { href: href('/customers') }, t('common.backToCustomers'))),
    );
    drawStatus();
  }

  async function load() {
    try {
      const data = await query(REMOVAL, { id, admin: session.can.viewAdminRelationships }, { signal });
      if (signal.aborted) return;
      if (!data.node) {
        replace(
          main,
          pageTitle(t('removal.notFoundTitle')),
          h('p', {}, h('a', { href: href('/removals') }, t('nav.removals'))),
        );
        return;
      }
      const first = removal === null;
      removal = data.node;
      if (first) draw();
      else drawStatus();
      if (missed) {
        missed = false;
        load();
      }
    } catch (error) {
      if (!signal.aborted && error?.name !== 'AbortError') replace(main, errorPanel(error, load));
    }
  }

  // An event that arrives while the first load is on its way is not lost.
  let missed = false;
  listen(
    'relationship',
    (event) => {
      if (event.removal?.id !== id) return;
      if (removal) load();
      else missed = true;
    },
    signal,
  );
  listen('reconnected', () => removal && load(), signal);
  load();
}

export function renderRemovals(main, { signal }) {
  if (!session.can.manageRemovals) {
    replace(main, pageTitle(t('nav.removals')), h('p', { class: 'alert alert-info' }, t('error.forbidden')));
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
  let rows = [];
  let cursor = null;
  async function load({ append = false } = {}) {
    if (!append) {
      rows = [];
      cursor = null;
      replace(results, loading());
    }
    try {
      const data = await query(REMOVALS, { first: 25, after: cursor }, { signal });
      if (signal.aborted) return;
      rows = [...rows, ...data.relationshipRemovals.edges.map((edge) => edge.node)];
      cursor = data.relationshipRemovals.pageInfo.endCursor;
      more.hidden = !data.relationshipRemovals.pageInfo.hasNextPage;
      replace(
        results,
        rows.length
          ? table({
              caption: t('nav.removals'),
              testId: 'removal-table',
              rowKey: (r) => r.id,
              rows,
              columns: [
                {
                  key: 'customer',
                  label: t('removal.customer'),
                  header: true,
                  render: (r) => h('a', { href: href(`/removals/${encodeURIComponent(r.id)}`) }, r.customerName),
                },
                { key: 'status', label: t('removals.col.status'), render: (r) => badge('RemovalStatus', r.status) },
                {
                  key: 'dap',
                  label: t('removals.col.dap'),
                  render: (r) => (r.delegatedAdminRevoked ? t('removals.revoked') : t('removals.revoking')),
                },
                { key: 'requested', label: t('removal.requestedAt'), render: (r) => formatDateTime(r.requestedAt) },
              ],
            })
          : emptyState(t('removals.empty')),
      );
    } catch (error) {
      if (!signal.aborted && error?.name !== 'AbortError')
        replace(
          results,
          errorPanel(error, () => load()),
        );
    }
  }
  more.addEventListener('click', () => load({ append: true }));
  listen('relationship', () => load(), signal);
  listen('reconnected', () => load(), signal);
  load();
}
