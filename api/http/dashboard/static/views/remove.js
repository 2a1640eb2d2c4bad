// "Remove reseller relationship": the attestation (a checkbox that must be ticked) and
// the reminder that no notice is sent. The removal's status is views/removal.js.

import { PREPARE_REMOVAL, REMOVE_RELATIONSHIP } from '../documents.js';
import { field, h, replace } from '../dom.js';
import { language, t } from '../i18n.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { guardVariables, query, session } from '../session.js';
import { toast } from '../toasts.js';
import {
  attestationField,
  breadcrumb,
  errorMessage,
  errorPage,
  forbiddenPage,
  gdapTable,
  goOnTo,
  legalNotice,
  loading,
  notFoundPage,
  pageTitle,
  pendingGuard,
  section,
  userErrorMessage,
} from './common.js';

export function renderRemove(main, { params: [id], signal, kept }) {
  if (!session.can.manageRemovals) {
    // The company is not known here (nothing was loaded): the action's name, not the title.
    forbiddenPage(main, t('customer.remove'));
    return;
  }
  // The attestation is the one in the language shown: another language loads its own.
  const shownIn = language();
  const key = `data:${shownIn}`;
  const loader = createLoader({
    signal,
    kept,
    key,
    load: (loadSignal) =>
      query(PREPARE_REMOVAL, { id, language: shownIn, ...guardVariables() }, { signal: loadSignal }),
    apply: ({ customer, removalAttestation }) => {
      if (!customer || customer.relationshipToPartner !== 'RESELLER') {
        notFoundPage(main, { title: t('remove.notPossibleTitle'), text: t('remove.notPossible') });
        return;
      }
      replace(main, form(customer, removalAttestation));
    },
    fail: (error) => errorPage(main, error, () => loader.reload()),
  });
  if (!kept.has(key)) replace(main, loading());
  loader.begin();

  function form(customer, attestation) {
    const attest = attestationField(attestation);
    const reasonInput = h('textarea', { name: 'reason', rows: '3', maxlength: '1000' });
    const reason = field({ label: t('remove.reason'), hint: t('remove.reasonHint'), input: reasonInput });
    const formError = h('div', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button danger' }, t('remove.submit'));

    const consequences = h(
      'ul',
      { class: 'consequences' },
      h('li', {}, t('remove.consequenceList', { company: customer.companyName })),
      h('li', {}, t('remove.consequenceDap')),
      h('li', {}, t('remove.consequenceGdap')),
      h('li', {}, t('remove.consequenceAgain')),
    );
    const attestForm = h(
      'form',
      { class: 'stack card', novalidate: true },
      attest.fieldset,
      reason.field,
      formError,
      h(
        'div',
        { class: 'actions' },
        submit,
        h('a', { class: 'button', href: links.customer(customer.id) }, t('remove.keep')),
      ),
    );
    attestForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(formError);
      if (!attest.confirmed()) return;
      try {
        const input = {
          customerId: customer.id,
          attestationAccepted: true,
          attestationLanguage: attestation.language,
          reason: reasonInput.value.trim() || null,
        };
        const data = await send(query(REMOVE_RELATIONSHIP, { input, ...guardVariables() }));
        const payload = data.removeResellerRelationship;
        if (payload.userErrors.length) {
          if (signal.aborted) {
            toast(userErrorMessage(payload.userErrors[0]), { kind: 'error' });
          } else {
            const messages = payload.userErrors.map((e) => h('p', { class: 'alert alert-error' }, userErrorMessage(e)));
            replace(formError, ...messages);
          }
          return;
        }
        goOnTo(`/removals/${encodeURIComponent(payload.removal.id)}`, {
          from: `/customers/${encodeURIComponent(id)}/remove`,
          text: t('remove.doneToast', { company: customer.companyName }),
          linkText: t('remove.openRemoval'),
        });
      } catch (error) {
        if (signal.aborted) toast(errorMessage(error), { kind: 'error' });
        else replace(formError, h('p', { class: 'alert alert-error' }, errorMessage(error)));
      }
    });
    // One removal at a time, also across a redraw (another language) while it is sent.
    const send = pendingGuard(kept, (locked) => {
      submit.disabled = locked;
    });

    return h(
      'div',
      { class: 'remove' },
      breadcrumb([
        [t('nav.customers'), links.customers()],
        [customer.companyName, links.customer(customer.id)],
        [t('remove.crumb')],
      ]),
      pageTitle(t('remove.title', { company: customer.companyName })),
      section(t('remove.whatHappens'), consequences),
      legalNotice({ testId: 'no-notice', title: t('remove.noticeTitle'), text: attestation.legalNotice }),
      session.can.viewAdminRelationships
        ? section(t('remove.gdapKept'), gdapTable(customer.gdapRelationships ?? [], t('remove.gdapKept')))
        : null,
      attestForm,
    );
  }
}
