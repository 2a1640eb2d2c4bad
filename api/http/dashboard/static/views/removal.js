// A removal's status, live until it completes or fails (relationshipEvents), asking
// again after a failure, and the list of removals.

import { REMOVAL, REMOVALS, RETRY_REMOVAL } from '../documents.js';
import { h, replace } from '../dom.js';
import { label, language, t } from '../i18n.js';
import { listen } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session } from '../session.js';
import {
  attestationField,
  badge,
  breadcrumb,
  details,
  emptyState,
  errorPage,
  forbiddenPage,
  formatDateTime,
  errorMessage,
  gdapTable,
  keepFocus,
  legalNotice,
  loading,
  notFoundPage,
  pagedList,
  pageTitle,
  pendingGuard,
  section,
  showTable,
  table,
  unlessQuiet,
  userErrorMessage,
} from './common.js';

/** Where DAP stands, in words: only a PENDING removal is still on its way. */
function dapState(removal) {
  if (removal.delegatedAdminRevoked) return 'revoked';
  return removal.status === 'PENDING' ? 'revoking' : 'notRevoked';
}


export function renderRemoval(main, { params: [id], signal, kept }) {
  if (!session.can.manageRemovals) {
    forbiddenPage(main, t('nav.removals'));
    return;
  }
  let removal = null;
  let attestation = null;
  const title = pageTitle('');
  const statusRegion = h('div', { 'aria-live': 'polite', class: 'status-region', 'data-testid': 'removal-status' });
  const retryRegion = h('div', { class: 'retry-region' });
  const failed = () => removal.status === 'FAILED';
  replace(main, loading());

  function steps() {
    const dap = dapState(removal);
    return h(
      'ol',
      { class: 'checklist' },
      failed()
        ? h('li', { class: 'failed' }, t('removal.stepBack', { company: removal.customerName }))
        : h('li', { class: 'done' }, t('removal.stepList', { company: removal.customerName })),
      h(
        'li',
        { class: { revoked: 'done', revoking: 'pending', notRevoked: 'failed' }[dap], 'data-testid': 'dap-step' },
        dap === 'revoking'
          ? [h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('removal.dapRevoking')]
          : t(dap === 'revoked' ? 'removal.dapRevoked' : 'removal.dapNotRevoked'),
      ),
      removal.gdapRelationshipsRetained
        ? h('li', { class: 'done' }, t('removal.gdapKept', { count: removal.gdapRelationshipsRetained.length }))
        : null,
      h('li', { class: 'done' }, t('removal.noNotice')),
    );
  }

  function drawStatus() {
    title.textContent = t(failed() ? 'removal.failedTitle' : 'removal.title', { company: removal.customerName });
    replace(
      statusRegion,
      h(
        'p',
        { class: 'status-line' },
        t('removal.status'),
        ' ',
        badge('RemovalStatus', removal.status, { extra: 'large' }),
      ),
      removal.error
        ? h('p', { class: 'alert alert-error', 'data-testid': 'removal-error' }, label('RemovalErrorCode', removal.error.code))
        : null,
      steps(),
      removal.completedAt ? h('p', {}, t('removal.completedAt', { at: formatDateTime(removal.completedAt) })) : null,
    );
    // Drawn once it fails (a redraw would lose the tick), gone once asked again.
    if (!failed()) replace(retryRegion);
    else if (!retryRegion.firstChild) replace(retryRegion, retryForm());
  }

  function retryForm() {
    const attest = attestationField(attestation);
    const formError = h('div', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button danger' }, t('removal.retry'));
    const form = h(
      'form',
      { class: 'stack card', novalidate: true, 'data-testid': 'retry-form' },
      h('h2', {}, t('removal.retryTitle')),
      h('p', {}, t('removal.retryText', { company: removal.customerName })),
      attest.fieldset,
      formError,
      h('div', { class: 'actions' }, submit),
    );
    const send = pendingGuard(kept, (locked) => {
      submit.disabled = locked;
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(formError);
      if (!attest.confirmed()) return;
      try {
        const input = { removalId: removal.id, attestationAccepted: true, attestationLanguage: attestation.language };
        const payload = (await send(query(RETRY_REMOVAL, { input, ...guardVariables() }))).retryRemoval;
        if (payload.userErrors.length) {
          replace(formError, ...payload.userErrors.map((e) => h('p', { class: 'alert alert-error' }, userErrorMessage(e))));
          return;
        }
        removal = payload.removal;
        keepFocus(main, drawStatus);
        loader.adopt({ node: removal, removalAttestation: attestation });
      } catch (error) {
        replace(formError, h('p', { class: 'alert alert-error' }, errorMessage(error)));
      }
    });
    return form;
  }

  function draw() {
    replace(
      main,
      breadcrumb([[t('nav.removals'), links.removals()], [removal.customerName]]),
      title,
      h('div', { class: 'card' }, statusRegion),
      retryRegion,
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
  // The attestation (to ask again with) is the one in the language shown.
  const shownIn = language();
  const loader = createLoader({
    signal,
    kept,
    key: `data:${shownIn}`,
    load: (loadSignal) => query(REMOVAL, { id, language: shownIn, ...guardVariables() }, { signal: loadSignal }),
    apply: (data) => {
      if (!data.node) {
        notFoundPage(main, { title: t('removal.notFoundTitle'), back: [t('nav.removals'), links.removals()] });
        return;
      }
      const first = removal === null;
      removal = data.node;
      attestation = data.removalAttestation;
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
        render: (r) => t(`removals.${dapState(r)}`),
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
