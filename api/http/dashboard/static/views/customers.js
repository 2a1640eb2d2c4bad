// The customer list: search, keyset paging and the columns the role may see.

import { CUSTOMERS, CUSTOMER_SYNC, SYNC_CUSTOMERS } from '../documents.js';
import { breakable, debounce, field, h, replace } from '../dom.js';
import { formatDateTime, formatNumber, t } from '../i18n.js';
import { listen, recentlyJoined } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session, sessionState } from '../session.js';
import { toast } from '../toasts.js';
import {
  badge,
  canTransact,
  emptyState,
  errorMessage,
  errorPanel,
  failedRemovalNote,
  keepFocus,
  loading,
  pageTitle,
  searchTerm,
  showTable,
  table,
  unlessQuiet,
  userErrorMessage,
} from './common.js';


export const PAGE_SIZES = [10, 25, 50, 100];
// While a sync is pending, its state is read again this often, this many times at most
// (the worker runs it within seconds; an hour's worth covers a stuck queue).
const SYNC_POLL_MS = 1500;
const SYNC_POLLS = 2400;

// Kept between visits, so that coming back from a customer shows the same page.
const listState = () => sessionState('customerList', () => ({ search: '', first: 10, cursors: [null], index: 0 }));

function columns() {
  const kind = session.partner?.kind;
  const list = [
    {
      key: 'company',
      label: t('customers.col.company'),
      header: true,
      render: (c) => [
        h('a', { href: links.customer(c.id) }, c.companyName),
        recentlyJoined.has(c.tenantId) ? h('span', { class: 'badge badge-new' }, t('customers.new')) : null,
        failedRemovalNote(c.failedRemoval),
      ],
    },
    { key: 'domain', label: t('customers.col.domain'), render: (c) => breakable(c.defaultDomain), className: 'break' },
    {
      key: 'relationship',
      label: t('customers.col.relationship'),
      render: (c) => badge('RelationshipToPartner', c.relationshipToPartner),
    },
  ];
  if (kind === 'INDIRECT_RESELLER') {
    list.push({ key: 'provider', label: t('customers.col.provider'), render: (c) => c.indirectProvider?.name ?? '—' });
  }
  if (kind === 'INDIRECT_PROVIDER') {
    list.push({ key: 'reseller', label: t('customers.col.reseller'), render: (c) => c.indirectReseller?.name ?? '—' });
  }
  list.push({ key: 'canTransact', label: t('customers.col.canTransact'), render: (c) => canTransact(c, kind) });
  if (session.can.viewBillingProfile) {
    list.push({
      key: 'billing',
      label: t('customers.col.billingContact'),
      className: 'break',
      render: (c) =>
        c.billingProfile
          ? [
              c.billingProfile.contactName ?? '',
              c.billingProfile.contactName ? h('br') : null,
              breakable(c.billingProfile.contactEmail),
            ]
          : '—',
    });
  }
  if (session.can.viewAdminRelationships) {
    list.push({
      key: 'dap',
      label: t('customers.col.dap'),
      render: (c) =>
        c.delegatedAdmin
          ? badge('DelegatedAdminStatus', c.delegatedAdmin.status)
          : h('span', { class: 'muted' }, t('customers.noDap')),
    });
  }
  return list;
}

function syncText(sync) {
  if (sync.pending) return t('customers.sync.pending');
  if (!sync.lastSyncedAt) return t('customers.sync.never');
  return t('customers.sync.last', {
    at: formatDateTime(sync.lastSyncedAt),
    created: formatNumber(sync.created ?? 0),
    updated: formatNumber(sync.updated ?? 0),
    failed: formatNumber(sync.failed ?? 0),
    flagged: formatNumber(sync.flagged ?? 0),
  });
}

/** The list's sync with Partner Center: when it last ran and what it did, and (for
 * those who may) a button that asks for one; followed until it has run, then `onSynced`. */
function syncPanel({ signal, onSynced }) {
  const status = h('p', { class: 'sync-status', role: 'status', 'data-testid': 'sync-status' });
  const button = h('button', { type: 'button', class: 'button', hidden: !session.can.syncCustomers }, t('customers.sync.button'));
  const panel = h('div', { class: 'sync', hidden: true }, status, button);
  let polls = 0;
  let timer = null;
  let wasPending = false;
  signal.addEventListener('abort', () => clearTimeout(timer));

  function show(sync) {
    panel.hidden = !sync?.available;
    if (!sync?.available) return;
    if (wasPending && !sync.pending) onSynced();
    wasPending = sync.pending;
    button.disabled = sync.pending;
    status.textContent = syncText(sync);
    clearTimeout(timer);
    if (sync.pending && polls < SYNC_POLLS) {
      polls += 1;
      timer = setTimeout(refresh, SYNC_POLL_MS);
    }
  }

  function refresh() {
    // Quiet on failure: the list beside it says what is wrong with the API.
    query(CUSTOMER_SYNC, {}, { signal }).then((data) => show(data.customerSync), () => {});
  }

  button.addEventListener(
    'click',
    async () => {
      button.disabled = true;
      try {
        const payload = (await query(SYNC_CUSTOMERS, {}, { signal })).syncCustomers;
        if (payload.userErrors.length) {
          toast(userErrorMessage(payload.userErrors[0]), { kind: 'error' });
          button.disabled = false;
          return;
        }
        polls = 0;
        show(payload.customerSync);
      } catch (error) {
        if (signal.aborted) return;
        toast(errorMessage(error), { kind: 'error' });
        button.disabled = false;
      }
    },
    { signal },
  );
  refresh();
  return panel;
}

export function renderCustomers(main, { signal, kept }) {
  const state = listState();
  const searchInput = h('input', { type: 'search', name: 'search', value: state.search, autocomplete: 'off' });
  const searchField = field({ label: t('customers.searchLabel'), input: searchInput });
  const searchForm = h(
    'form',
    { class: 'search', role: 'search' },
    searchField.field,
    h('button', { type: 'submit', class: 'button' }, t('customers.searchSubmit')),
  );
  const sizeSelect = h(
    'select',
    { name: 'page-size' },
    PAGE_SIZES.map((size) => h('option', { value: String(size), selected: size === state.first }, String(size))),
  );
  const sizeField = field({ label: t('customers.pageSize'), input: sizeSelect });
  const results = h('div', { class: 'results', 'aria-busy': 'true' });
  // Announced after each search or page change (the table itself is not a live region).
  const summary = h('p', { class: 'summary', id: 'customer-summary', role: 'status' });
  const previous = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'previous-page' },
    t('paging.previous'),
  );
  const next = h('button', { type: 'button', class: 'button', 'data-testid': 'next-page' }, t('paging.next'));
  const pager = h('nav', { class: 'pager', 'aria-label': t('paging.label') }, previous, summary, next);

  const actions = session.can.manageInvitations
    ? h('a', { class: 'button primary', href: links.invite() }, t('customers.invite'))
    : null;
  replace(
    main,
    h('div', { class: 'page-head' }, pageTitle(t('customers.title')), actions),
    // The list again once a sync has run (it may have brought customers in).
    syncPanel({ signal, onSynced: () => loader.refresh() }),
    h('div', { class: 'toolbar' }, searchForm, h('div', { class: 'page-size' }, sizeField.field)),
    results,
    pager,
  );

  const variables = () => ({
    first: state.first,
    after: state.cursors[state.index],
    search: state.search || null,
    ...guardVariables(),
    reseller: session.partner?.kind === 'INDIRECT_RESELLER',
    provider: session.partner?.kind === 'INDIRECT_PROVIDER',
  });

  function show(connection) {
    const rows = connection.edges.map((edge) => edge.node);
    state.cursors[state.index + 1] = connection.pageInfo.endCursor;
    state.cursors.length = state.index + 2;
    if (!rows.length && state.index > 0) {
      // The page emptied (a removal): step back.
      state.index -= 1;
      load();
      return;
    }
    const from = state.index * state.first + (rows.length ? 1 : 0);
    const to = state.index * state.first + rows.length;
    summary.textContent = connection.totalCount
      ? t('customers.range', {
          from: formatNumber(from),
          to: formatNumber(to),
          total: formatNumber(connection.totalCount),
        })
      : '';
    if (rows.length) {
      const rowsTable = table({
        caption: t('customers.caption', { partner: session.partner?.name ?? '' }),
        columns: columns(),
        rows,
        rowKey: (c) => c.tenantId,
        testId: 'customer-table',
      });
      // A changed cell (the "New" badge) is replaced: its link's focus goes to the new one.
      keepFocus(main, () => showTable(results, rowsTable));
    } else {
      const text = state.search ? t('customers.noMatch', { search: state.search }) : t('customers.empty');
      replace(results, emptyState(text));
    }
    previous.disabled = state.index === 0;
    next.disabled = !connection.pageInfo.hasNextPage;
  }

  // A live refresh is quiet: the table is patched in place and the pager stays usable,
  // so whatever has the focus keeps it.
  const loader = createLoader({
    signal,
    kept,
    load: (loadSignal) => query(CUSTOMERS, variables(), { signal: loadSignal }),
    apply: (data) => show(data.customers),
    fail: unlessQuiet((error) => {
      summary.textContent = ''; // no stale range over an error
      // Retrying cannot mend input the API refused: no "Try again" for that.
      replace(results, errorPanel(error, error?.code === 'INVALID' ? null : () => load()));
    }),
    onBusy: (busy) => results.setAttribute('aria-busy', String(busy)),
  });

  /** A load the user asked for (search, page size, paging): shows that it is loading. */
  function load() {
    replace(results, loading());
    previous.disabled = true;
    next.disabled = true;
    return loader.reload();
  }

  const applySearch = () => {
    const term = searchTerm(searchField);
    if (term === null || term === state.search) return;
    state.search = term;
    state.cursors = [null];
    state.index = 0;
    load();
  };
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    applySearch();
  });
  searchInput.addEventListener('input', debounce(applySearch, 300, { signal }), { signal });
  sizeSelect.addEventListener('change', () => {
    state.first = Number(sizeSelect.value);
    state.cursors = [null];
    state.index = 0;
    load();
  });
  previous.addEventListener('click', () => {
    if (state.index === 0) return;
    state.index -= 1;
    load().then(() => (previous.disabled ? next.focus() : previous.focus()));
  });
  next.addEventListener('click', () => {
    state.index += 1;
    load().then(() => (next.disabled ? previous.focus() : next.focus()));
  });

  // Live: an acceptance or removal changes the list; show it without a reload.
  listen('accepted', loader.when(), signal);
  listen('relationship', loader.when(), signal);
  listen('reconnected', loader.when(), signal);

  if (!kept.has('data')) replace(results, loading());
  loader.begin();
}
