// The customer list: search, keyset paging and the columns the role may see.

import { CUSTOMERS } from '../documents.js';
import { debounce, field, h, replace } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { listen, recentlyJoined } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session, sessionState } from '../session.js';
import {
  badge,
  emptyState,
  errorPanel,
  failedRemovalNote,
  keepFocus,
  loading,
  pageTitle,
  showTable,
  table,
  unlessQuiet,
  yesNo,
} from './common.js';


export const PAGE_SIZES = [10, 25, 50, 100];

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
    { key: 'domain', label: t('customers.col.domain'), render: (c) => c.defaultDomain, className: 'break' },
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
  list.push({ key: 'canTransact', label: t('customers.col.canTransact'), render: (c) => yesNo(c.canTransact) });
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
              c.billingProfile.contactEmail,
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

export function renderCustomers(main, { signal, kept }) {
  const state = listState();
  const searchInput = h('input', { type: 'search', name: 'search', value: state.search, autocomplete: 'off', maxlength: '200' });
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
    const term = searchInput.value.trim();
    if (term === state.search) return;
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
