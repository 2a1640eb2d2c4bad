// "Request a reseller relationship", step 1: pick a customer (or a new one) and, for an
// indirect reseller, optionally an indirect provider and the channel.

import { INDIRECT_PROVIDERS, INVITE_CANDIDATES, INVITE_CUSTOMER, REQUEST_RELATIONSHIP } from '../documents.js';
import { debounce, field, h, replace, setFieldError, uid } from '../dom.js';
import { label, t } from '../i18n.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session } from '../session.js';
import { toast } from '../toasts.js';
import {
  breadcrumb,
  errorMessage,
  errorPanel,
  forbiddenPage,
  goOnTo,
  loading,
  pageTitle,
  pendingGuard,
  searchTerm,
  showUserErrors,
  steps,
  userErrorMessage,
} from './common.js';


export const CHANNELS = ['OWN_MARKETING', 'MICROSOFT_REFERRAL', 'INDIRECT_PROVIDER'];

export function renderInvite(main, { query: params, signal, kept }) {
  if (!session.can.manageInvitations) {
    forbiddenPage(main, t('invite.title'));
    return;
  }
  const isReseller = session.partner?.kind === 'INDIRECT_RESELLER';
  // The chosen existing customer (kept while the page is only redrawn).
  let selected = kept.get('selected') ?? null;
  const choose = (customer) => {
    selected = customer;
    kept.set('selected', customer);
    showChosen();
  };

  // --- who (a stable name, so that a redraw finds the choice again)
  const name = 'who';
  const existingRadio = h('input', { type: 'radio', name, value: 'existing', id: uid('who'), checked: true });
  const newRadio = h('input', { type: 'radio', name, value: 'new', id: uid('who') });
  const who = h(
    'fieldset',
    { class: 'choice' },
    h('legend', {}, t('invite.who')),
    h('div', { class: 'radio' }, existingRadio, h('label', { for: existingRadio.id }, t('invite.existing'))),
    h('div', { class: 'radio' }, newRadio, h('label', { for: newRadio.id }, t('invite.new'))),
  );

  // --- existing customer picker
  const searchInput = h('input', { type: 'search', name: 'customer-search', autocomplete: 'off' });
  const searchField = field({ label: t('invite.searchLabel'), hint: t('invite.searchHint'), input: searchInput });
  const candidates = h('div', { class: 'candidates' });
  const candidatesStatus = h('p', { class: 'candidates-count', role: 'status', 'data-testid': 'candidates-count' });
  const chosen = h('div', { class: 'chosen', 'aria-live': 'polite' });
  const customerError = h('p', { class: 'field-error', id: uid('customer-error'), hidden: true });
  const picker = h('div', { class: 'picker' }, searchField.field, candidatesStatus, candidates, chosen, customerError);

  // --- recipient
  const recipientInput = h('input', { type: 'email', name: 'recipient', autocomplete: 'off', inputmode: 'email' });
  const recipientField = field({
    label: t('invite.recipient'),
    hint: t('invite.recipientHintExisting'),
    input: recipientInput,
  });

  // --- indirect provider and channel (indirect resellers)
  let providerField = null;
  let providerSelect = null;
  const channelSelect = h(
    'select',
    { name: 'channel' },
    h('option', { value: '' }, t('invite.channelDefault')),
    CHANNELS.map((channel) => h('option', { value: channel }, label('AcquisitionChannel', channel))),
  );
  const channelField = field({ label: t('invite.channel'), hint: t('invite.channelHint'), input: channelSelect });
  let providerBlock = null;
  if (isReseller) {
    providerSelect = h('select', { name: 'provider' }, h('option', { value: '' }, t('invite.providerNone')));
    providerField = field({ label: t('invite.provider'), hint: t('invite.providerHint'), input: providerSelect });
    providerBlock = h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, t('invite.providerLegend')),
      providerField.field,
      channelField.field,
    );
    createLoader({
      signal,
      kept,
      key: 'providers',
      load: (loadSignal) => query(INDIRECT_PROVIDERS, {}, { signal: loadSignal }),
      apply: (data) => {
        for (const provider of data.indirectProviders) {
          providerSelect.append(h('option', { value: provider.id }, `${provider.name} (${provider.partnerId})`));
        }
      },
      fail: (error) => setFieldError(providerField, errorMessage(error)),
    }).begin();
  }

  // --- DAP
  const dapInput = h('input', { type: 'checkbox', name: 'dap', id: uid('dap'), checked: true });
  const dap = h(
    'div',
    { class: 'checkbox' },
    dapInput,
    h('label', { for: dapInput.id }, t('invite.includeDap')),
    h('p', { class: 'hint' }, t('invite.includeDapHint')),
  );

  const formError = h('div', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('invite.submit'));
  const form = h(
    'form',
    { class: 'stack card', novalidate: true },
    who,
    picker,
    recipientField.field,
    providerBlock,
    isReseller ? null : h('details', { class: 'more' }, h('summary', {}, t('invite.moreOptions')), channelField.field),
    dap,
    formError,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: links.customers() }, t('common.cancel'))),
  );

  replace(
    main,
    breadcrumb([[t('nav.invitations'), links.invitations()], [t('invite.title')]]),
    pageTitle(t('invite.title')),
    steps('customer'),
    h('p', { class: 'lead' }, t('invite.intro')),
    form,
  );

  function showChosen() {
    replace(chosen);
    if (!selected) return;
    chosen.append(
      h(
        'p',
        { class: 'selected-customer' },
        t('invite.selected'),
        ' ',
        h('strong', { 'data-testid': 'selected-customer' }, selected.companyName),
        ` (${selected.defaultDomain}) `,
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              choose(null);
              searchInput.focus();
            },
          },
          t('invite.change'),
        ),
      ),
    );
    const contact = selected.billingProfile?.contactEmail;
    recipientInput.placeholder = contact ?? '';
    recipientField.field.querySelector('.hint').textContent = contact
      ? t('invite.recipientHintContact', { email: contact })
      : t('invite.recipientHintExisting');
    setCustomerError(null);
  }

  function setCustomerError(message) {
    customerError.textContent = message ?? '';
    customerError.hidden = !message;
  }

  // Typing searches again: the newest search's answer is the one shown.
  const candidateLoader = createLoader({
    signal,
    kept,
    key: 'candidates',
    load: (loadSignal) => {
      const search = searchInput.value.trim() || null;
      return query(INVITE_CANDIDATES, { search, ...guardVariables() }, { signal: loadSignal });
    },
    apply: drawCandidates,
    fail: (error) => replace(candidates, errorPanel(error, searchCandidates)),
  });

  function searchCandidates() {
    if (searchTerm(searchField) === null) return;
    replace(candidates, loading());
    candidateLoader.reload();
  }

  function drawCandidates(data) {
    const rows = data.customers.edges.map((edge) => edge.node);
    const total = data.customers.totalCount;
    candidatesStatus.textContent =
      total > rows.length
        ? t('invite.candidatesSome', { shown: rows.length, count: total })
        : t('invite.candidatesCount', { count: total });
    if (!rows.length) {
      replace(candidates, h('p', { class: 'empty' }, t('invite.noCandidates')));
      return;
    }
    replace(
      candidates,
      h(
        'ul',
        { class: 'candidate-list', 'aria-label': t('invite.candidatesLabel') },
        rows.map((customer) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'candidate',
                'aria-pressed': selected?.id === customer.id ? 'true' : 'false',
                onclick: (event) => {
                  choose(customer);
                  candidates
                    .querySelectorAll('.candidate')
                    .forEach((b) => b.setAttribute('aria-pressed', String(b === event.currentTarget)));
                },
              },
              h('span', { class: 'candidate-name' }, customer.companyName),
              h('span', { class: 'candidate-domain' }, customer.defaultDomain),
            ),
          ),
        ),
      ),
    );
  }

  function applyMode() {
    const existing = existingRadio.checked;
    picker.hidden = !existing;
    recipientInput.required = !existing;
    recipientField.field
      .querySelector('label')
      .replaceChildren(
        t('invite.recipient'),
        existing ? '' : h('span', { class: 'required', 'aria-hidden': 'true' }, ' *'),
      );
    recipientField.field.querySelector('.hint').textContent = existing
      ? selected?.billingProfile?.contactEmail
        ? t('invite.recipientHintContact', { email: selected.billingProfile.contactEmail })
        : t('invite.recipientHintExisting')
      : t('invite.recipientHintNew');
    recipientInput.placeholder = existing ? (selected?.billingProfile?.contactEmail ?? '') : 'admin@example.com';
  }
  existingRadio.addEventListener('change', applyMode);
  newRadio.addEventListener('change', applyMode);
  searchInput.addEventListener('input', debounce(searchCandidates, 250, { signal }), { signal });
  searchInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      searchCandidates();
    }
  });
  providerSelect?.addEventListener('change', () => {
    if (providerSelect.value && !channelSelect.value) channelSelect.value = 'INDIRECT_PROVIDER';
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(formError);
    setFieldError(recipientField, null);
    setCustomerError(null);
    if (providerField) setFieldError(providerField, null);
    const existing = existingRadio.checked;
    if (existing && !selected) {
      setCustomerError(t('invite.pickCustomer'));
      searchInput.focus();
      return;
    }
    const recipient = recipientInput.value.trim();
    if (!existing && !recipient) {
      setFieldError(recipientField, t('invite.recipientRequired'));
      recipientInput.focus();
      return;
    }
    const input = {
      customerId: existing ? selected.id : null,
      recipientEmail: recipient || null,
      includeDelegatedAdmin: dapInput.checked,
      channel: channelSelect.value || null,
      ...(providerSelect?.value ? { indirectProviderId: providerSelect.value } : {}),
    };
    try {
      // Not cancelled with the page: the answer is shown wherever the user now is.
      const data = await send(query(REQUEST_RELATIONSHIP, { input }));
      const payload = data.requestResellerRelationship;
      if (payload.userErrors.length) {
        const fields = {
          recipientEmail: recipientField,
          indirectProviderId: providerField,
          customerId: setCustomerError,
        };
        if (signal.aborted) {
          toast(userErrorMessage(payload.userErrors[0]), { kind: 'error' });
        } else {
          showUserErrors(payload.userErrors, { form, fields, formError });
        }
        return;
      }
      goOnTo(`/invitations/${encodeURIComponent(payload.invitation.id)}`, {
        from: '/invite',
        text: t('invite.createdToast'),
        linkText: t('invite.openCreated'),
      });
    } catch (error) {
      if (signal.aborted) toast(errorMessage(error), { kind: 'error' });
      else replace(formError, h('p', { class: 'alert alert-error' }, errorMessage(error)));
    }
  });
  // One request at a time, also across a redraw (another language) while it is sent.
  const send = pendingGuard(kept, (locked) => {
    submit.disabled = locked;
  });

  applyMode();
  const preselected = params.get('customer');
  if (selected) {
    showChosen();
    candidateLoader.begin();
  } else if (preselected) {
    createLoader({
      signal,
      load: (loadSignal) => query(INVITE_CUSTOMER, { id: preselected, ...guardVariables() }, { signal: loadSignal }),
      apply: ({ customer }) => {
        if (customer && customer.relationshipToPartner !== 'RESELLER') choose(customer);
      },
    }).reload();
  } else {
    if (!kept.has('candidates')) replace(candidates, loading());
    candidateLoader.begin();
  }
}
