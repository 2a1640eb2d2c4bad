// The customer's page at /invitations/<token>: who invites, with which provider, what
// accepting grants, and an accept button (with a customer token); clear pages for
// unknown, expired, cancelled and used links.

import { ApiError, graphql } from '../api.js';
import { ACCEPT_INVITATION, INVITATION_PREVIEW } from '../documents.js';
import { field, h, replace, setFieldError } from '../dom.js';
import { formatDate, language, t } from '../i18n.js';
import { createLoader } from '../loader.js';
import { errorMessage, pageTitle, showUserErrors, userErrorMessage } from './common.js';
import { tokenForm } from './token-form.js';

const STORAGE_KEY = 'pc.customerToken';


function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(token) {
  try {
    if (token) sessionStorage.setItem(STORAGE_KEY, token);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // lasts for this page only
  }
}

/** Reads what the server put in the page: {found, token, status, partnerName, …}. */
export function initialInvitation() {
  const element = document.getElementById('pc-invitation');
  if (!element) return { found: false };
  try {
    return JSON.parse(element.textContent);
  } catch {
    return { found: false };
  }
}

const CLOSED = {
  ACCEPTED: 'used',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
  FAILED: 'invalid',
};

/** Renders the page into `main`; returns a function that re-renders (language switch). */
export function renderAccept(main) {
  const invitation = initialInvitation();
  const state = {
    token: storedToken(),
    viewer: null,
    accepted: null,
    problem: null, // a message about the sign-in
  };

  function closedPage(kind) {
    const titles = {
      notFound: 'accept.notFoundTitle',
      used: 'accept.usedTitle',
      cancelled: 'accept.cancelledTitle',
      expired: 'accept.expiredTitle',
      invalid: 'accept.invalidTitle',
    };
    replace(
      main,
      h(
        'div',
        { class: 'narrow', 'data-state': kind },
        pageTitle(t(titles[kind])),
        h(
          'div',
          { class: 'card' },
          h('p', { class: 'lead' }, t(`accept.${kind}Text`, { partner: invitation.partnerName ?? '' })),
          kind === 'notFound' ? null : who(),
        ),
      ),
    );
  }

  function who() {
    return h('p', {}, t('accept.from', { partner: invitation.partnerName, partnerId: invitation.partnerId }));
  }

  function grants() {
    const names = invitation.indirectProviderName
      ? t('accept.bothNames', { partner: invitation.partnerName, provider: invitation.indirectProviderName })
      : invitation.partnerName;
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'grants-title' },
      h('h2', { id: 'grants-title' }, t('accept.grantsTitle')),
      h(
        'ul',
        { class: 'grants' },
        h('li', {}, t('accept.grantSell', { names })),
        invitation.includeDelegatedAdmin
          ? h('li', {}, t('accept.grantDap', { names }))
          : h('li', {}, t('accept.grantNoDap')),
        h('li', {}, t('accept.grantKeep')),
      ),
      h('p', { class: 'hint' }, t('accept.expires', { date: formatDate(invitation.expiresAt) })),
    );
  }

  function signInSection() {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'accept-signin-title' },
      h('h2', { id: 'accept-signin-title' }, t('accept.signInTitle')),
      h('p', {}, t('accept.signInText')),
      state.problem ? h('p', { class: 'alert alert-error', role: 'alert' }, state.problem) : null,
      tokenForm({ submit: signIn, customer: true }),
    );
  }

  async function signIn(token) {
    const clean = String(token ?? '')
      .trim()
      .replace(/^Bearer\s+/i, '');
    if (!clean) throw new ApiError('empty', { code: 'EMPTY_TOKEN' });
    const data = await graphql(INVITATION_PREVIEW, { token: invitation.token }, { token: clean, quiet401: true });
    state.token = clean;
    state.viewer = data.viewer;
    state.problem = null;
    store(clean);
    if (data.invitationPreview) Object.assign(invitation, data.invitationPreview);
    render();
    document.getElementById('page-title')?.focus();
  }

  function signOut() {
    state.token = null;
    state.viewer = null;
    store(null);
    render();
  }

  function acceptSection() {
    const viewer = state.viewer;
    const signedIn = h(
      'p',
      { class: 'signed-in' },
      t('accept.signedInAs', { tenant: viewer.tenantId }),
      ' ',
      h('button', { type: 'button', class: 'link', onclick: signOut }, t('nav.signOut')),
    );
    if (viewer.partner) {
      return h(
        'section',
        { class: 'card' },
        signedIn,
        h('p', { class: 'alert alert-error', role: 'alert' }, t('accept.partnerToken')),
      );
    }
    const refusal = !viewer.roles.includes('CUSTOMER_ADMIN')
      ? 'accept.notAdmin'
      : invitation.forAnotherOrganisation
        ? 'accept.wrongTenant'
        : null;
    if (refusal) {
      return h(
        'section',
        { class: 'card', 'data-testid': 'cannot-accept' },
        signedIn,
        h('p', { class: 'alert alert-error', role: 'alert' }, t(refusal)),
      );
    }
    const formError = h('div', { class: 'form-error', role: 'alert' });
    const company = {};
    let companyFieldset = null;
    // Known already: its record is used, and nothing is asked that would not be.
    const known = invitation.yourOrganisation;
    if (known) {
      companyFieldset = h(
        'p',
        { class: 'alert alert-info', 'data-testid': 'known-organisation' },
        t('accept.knownOrganisation', { company: known.companyName, domain: known.defaultDomain }),
      );
    } else if (invitation.companyDetailsNeeded) {
      const make = (name, labelKey, input, { required = false, hint } = {}) => {
        company[name] = field({ label: t(labelKey), input, required, hint });
        return company[name].field;
      };
      const languageSelect = h(
        'select',
        { name: 'language' },
        h('option', { value: 'en', selected: language() === 'en' }, 'English'),
        h('option', { value: 'ja', selected: language() === 'ja' }, '日本語'),
      );
      companyFieldset = h(
        'fieldset',
        { class: 'group' },
        h('legend', {}, t('accept.companyLegend')),
        h('p', { class: 'hint' }, t('accept.companyHint')),
        make(
          'companyName',
          'accept.companyName',
          h('input', { type: 'text', name: 'companyName', autocomplete: 'organization' }),
          { required: true },
        ),
        make(
          'defaultDomain',
          'accept.defaultDomain',
          h('input', {
            type: 'text',
            name: 'defaultDomain',
            autocomplete: 'off',
            placeholder: 'contoso.onmicrosoft.com',
          }),
          { required: true },
        ),
        make(
          'contactName',
          'accept.contactName',
          h('input', { type: 'text', name: 'contactName', autocomplete: 'name' }),
        ),
        make(
          'contactEmail',
          'accept.contactEmail',
          h('input', { type: 'email', name: 'contactEmail', autocomplete: 'email' }),
          { required: true, hint: t('accept.contactEmailHint') },
        ),
        make('phone', 'accept.phone', h('input', { type: 'tel', name: 'phone', autocomplete: 'tel' })),
        make(
          'country',
          'accept.country',
          h('input', {
            type: 'text',
            name: 'country',
            autocomplete: 'country',
            maxlength: '2',
            class: 'short',
            autocapitalize: 'characters',
          }),
          { required: true, hint: t('accept.countryHint') },
        ),
        make('language', 'accept.language', languageSelect),
      );
    }
    const button = h(
      'button',
      { type: 'submit', class: 'button primary large' },
      t('accept.submit', { partner: invitation.partnerName }),
    );
    const form = h(
      'form',
      { class: 'stack', novalidate: true },
      companyFieldset,
      formError,
      h('div', { class: 'actions' }, button),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(formError);
      for (const entry of Object.values(company)) setFieldError(entry, null);
      const input = { token: invitation.token };
      if (companyFieldset && !known) {
        const values = Object.fromEntries(
          Object.entries(company).map(([name, entry]) => [name, entry.input.value.trim()]),
        );
        values.country = values.country.toUpperCase();
        let missing = false;
        for (const name of ['companyName', 'defaultDomain', 'contactEmail', 'country']) {
          if (!values[name]) {
            setFieldError(company[name], t('accept.required'));
            missing = true;
          }
        }
        if (missing) {
          form.querySelector('[aria-invalid="true"]')?.focus();
          return;
        }
        input.company = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v || null]));
      }
      button.disabled = true;
      try {
        const data = await graphql(ACCEPT_INVITATION, { input }, { token: state.token, quiet401: true });
        const payload = data.acceptInvitation;
        if (payload.userErrors.length) {
          const fields = Object.fromEntries(Object.entries(company).map(([name, entry]) => [`company.${name}`, entry]));
          showUserErrors(payload.userErrors, { form, fields, formError, message: acceptErrorMessage });
          if (payload.userErrors.some((e) => ['INVITATION_CLOSED', 'INVITATION_EXPIRED'].includes(e.code))) {
            refreshStatus();
          }
          return;
        }
        state.accepted = payload.customerTenantId;
        render();
        document.getElementById('page-title')?.focus();
      } catch (error) {
        if (error?.code === 'UNAUTHENTICATED') {
          state.problem = t('accept.sessionEnded');
          signOut();
          return;
        }
        replace(formError, h('p', { class: 'alert alert-error' }, errorMessage(error)));
      } finally {
        button.disabled = false;
      }
    });
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'accept-title' },
      h('h2', { id: 'accept-title' }, t('accept.acceptTitle')),
      signedIn,
      form,
    );
  }

  function acceptErrorMessage(userError) {
    if (userError.code === 'WRONG_TENANT') return t('accept.wrongTenant');
    return userErrorMessage(userError);
  }

  // The invitation's status again (it closed while the form was open): through the
  // loader, so that of several asks only the newest answer is drawn.
  const status = createLoader({
    load: (signal) =>
      graphql(INVITATION_PREVIEW, { token: invitation.token }, { token: state.token, quiet401: true, signal }),
    apply: (data) => {
      if (!data.invitationPreview) return;
      Object.assign(invitation, data.invitationPreview);
      render();
    },
    // On failure what is shown stays.
  });
  const refreshStatus = () => status.refresh();

  function render() {
    if (!invitation.found) return closedPage('notFound');
    if (state.accepted) {
      const names = invitation.indirectProviderName
        ? t('accept.bothNames', { partner: invitation.partnerName, provider: invitation.indirectProviderName })
        : invitation.partnerName;
      replace(
        main,
        h(
          'div',
          { class: 'narrow', 'data-state': 'accepted' },
          pageTitle(t('accept.doneTitle')),
          h('p', { class: 'alert alert-success', role: 'status' }, t('accept.doneText', { names })),
          invitation.includeDelegatedAdmin ? h('p', {}, t('accept.doneDap', { names })) : null,
          h('p', { class: 'hint' }, t('accept.doneTenant', { tenant: state.accepted })),
        ),
      );
      return;
    }
    if (CLOSED[invitation.status]) return closedPage(CLOSED[invitation.status]);
    replace(
      main,
      h(
        'div',
        { class: 'narrow', 'data-state': 'open' },
        pageTitle(
          invitation.indirectProviderName
            ? t('accept.titleWithProvider', {
                partner: invitation.partnerName,
                provider: invitation.indirectProviderName,
              })
            : t('accept.title', { partner: invitation.partnerName }),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'who-title' },
          h('h2', { id: 'who-title' }, t('accept.whoTitle')),
          h(
            'dl',
            { class: 'details' },
            h(
              'div',
              {},
              h('dt', {}, t('accept.partner')),
              h(
                'dd',
                { 'data-testid': 'inviting-partner' },
                `${invitation.partnerName} (${t('accept.partnerIdLabel')} ${invitation.partnerId})`,
              ),
            ),
            invitation.indirectProviderName
              ? h(
                  'div',
                  {},
                  h('dt', {}, t('accept.provider')),
                  h('dd', { 'data-testid': 'indirect-provider' }, invitation.indirectProviderName),
                )
              : null,
          ),
          h(
            'p',
            {},
            invitation.indirectProviderName
              ? t('accept.introWithProvider', {
                  partner: invitation.partnerName,
                  provider: invitation.indirectProviderName,
                })
              : t('accept.intro', { partner: invitation.partnerName }),
          ),
        ),
        grants(),
        state.viewer ? acceptSection() : signInSection(),
      ),
    );
  }

  // A token from earlier in this tab: check it (and the invitation's current status).
  if (state.token && invitation.found && !CLOSED[invitation.status]) {
    signIn(state.token).catch(() => {
      state.token = null;
      store(null);
      render();
    });
  }
  render();
  return render;
}
