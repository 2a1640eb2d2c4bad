// "Request a reseller relationship", steps 2 and 3: the draft email (copy, open in the
// mail app, edit with an immediate warning when the link is removed), send by email or
// mark as sent by hand, then the status, updated live.

import { copyText, field, h, mailtoLink, replace, setFieldError, uid } from '../dom.js';
import { CANCEL_INVITATION, INVITATION, SEND_INVITATION } from '../documents.js';
import { label, t } from '../i18n.js';
import { announce, listen } from '../live.js';
import { createLoader } from '../loader.js';
import { links } from '../router.js';
import { query, session, sessionState } from '../session.js';
import { toast } from '../toasts.js';
import {
  badge,
  breadcrumb,
  details,
  errorMessage,
  errorPage,
  forbiddenPage,
  formatDate,
  formatDateTime,
  loading,
  notFoundPage,
  pageTitle,
  pendingGuard,
  section,
  showUserErrors,
  steps,
  unlessQuiet,
  userErrorMessage,
} from './common.js';


const OPEN = new Set(['DRAFT', 'QUEUED', 'SENT']);
// Past acceptance for good: the customer needs a new invitation.
const ENDED = new Set(['EXPIRED', 'CANCELLED']);
// Unsent edits survive navigation and a language switch (not a reload or sign-out).
const unsentEdits = () => sessionState('invitationEdits', () => new Map());

function who(invitation) {
  return invitation.customer?.companyName ?? invitation.recipientEmail ?? t('invitation.newCustomer');
}

/** The states an invitation passes through, with the current one marked. */
function timeline(invitation) {
  const { status } = invitation;
  const manual = invitation.sentAt && invitation.deliveryAttempts === 0;
  let path;
  if (status === 'FAILED') {
    // Delivery failed: it got as far as the queue.
    path = ['DRAFT', 'QUEUED', 'FAILED'];
  } else if (status === 'CANCELLED' || status === 'EXPIRED') {
    path = ['DRAFT', ...(invitation.sentAt ? ['SENT'] : []), status];
  } else {
    path = manual ? ['DRAFT', 'SENT', 'ACCEPTED'] : ['DRAFT', 'QUEUED', 'SENT', 'ACCEPTED'];
  }
  const reached = path.indexOf(status);
  const terminal = ['FAILED', 'CANCELLED', 'EXPIRED'].includes(status);
  return h(
    'ol',
    { class: 'timeline', 'aria-label': t('invitation.timeline') },
    path.map((step, index) =>
      h(
        'li',
        {
          class: [
            index < reached ? 'done' : null,
            index === reached ? 'current' : null,
            index === reached && terminal ? 'terminal' : null,
          ],
          'aria-current': index === reached ? 'step' : null,
        },
        label('InvitationStatus', step),
      ),
    ),
  );
}

export function renderInvitation(main, { params: [id], signal, kept }) {
  if (!session.can.manageInvitations) {
    forbiddenPage(main, t('nav.invitations'));
    return;
  }
  const edits = unsentEdits();
  let invitation = null;
  let editing = false;
  const statusRegion = h('div', {
    class: 'status-region',
    'aria-live': 'polite',
    'data-testid': 'invitation-status-region',
  });
  replace(main, loading());

  // The first load draws the page; later ones (after a reconnection) merge into it,
  // keeping the edits of a draft.
  const loader = createLoader({
    signal,
    kept,
    load: (loadSignal) => query(INVITATION, { id }, { signal: loadSignal }),
    apply: ({ node }) => {
      if (!node) {
        notFoundPage(main, {
          title: t('invitation.notFoundTitle'),
          text: t('invitation.notFound'),
          back: [t('nav.invitations'), links.invitations()],
        });
      } else if (invitation) {
        merge(node);
      } else {
        invitation = node;
        render();
      }
    },
    fail: unlessQuiet((error) => errorPage(main, error, () => loader.reload())),
  });

  function statusBlock() {
    const inv = invitation;
    const lines = [];
    if (inv.status === 'QUEUED') lines.push(t('invitation.queued', { email: inv.recipientEmail }));
    if (inv.status === 'SENT')
      lines.push(
        inv.deliveryAttempts
          ? t('invitation.sentByEmail', { email: inv.recipientEmail, at: formatDateTime(inv.sentAt) })
          : t('invitation.sentByHand', { at: formatDateTime(inv.sentAt) }),
      );
    if (inv.status === 'FAILED')
      lines.push(t('invitation.failed', { count: inv.deliveryAttempts, error: inv.lastDeliveryError ?? '—' }));
    if (inv.status === 'ACCEPTED')
      lines.push(t('invitation.accepted', { company: who(inv), at: formatDateTime(inv.acceptedAt) }));
    if (inv.status === 'CANCELLED') lines.push(t('invitation.cancelled'));
    if (inv.status === 'EXPIRED') lines.push(t('invitation.expired'));
    return [
      h(
        'p',
        { class: 'status-line' },
        t('invitation.status'),
        ' ',
        badge('InvitationStatus', inv.status, { extra: 'large' }),
      ),
      timeline(inv),
      lines.map((line) => h('p', {}, line)),
    ];
  }

  function summary() {
    const inv = invitation;
    return details([
      [
        t('invitation.customer'),
        inv.customer
          ? h('a', { href: links.customer(inv.customer.id) }, inv.customer.companyName)
          : t('invitation.newCustomer'),
      ],
      [t('invitation.recipient'), inv.recipientEmail],
      inv.indirectProvider
        ? [t('invitation.provider'), `${inv.indirectProvider.name} (${inv.indirectProvider.partnerId})`]
        : null,
      inv.channel ? [t('invitation.channel'), label('AcquisitionChannel', inv.channel)] : null,
      [t('invitation.dap'), inv.includeDelegatedAdmin ? t('common.yes') : t('common.no')],
      [t('invitation.created'), formatDateTime(inv.createdAt)],
      [t('invitation.expires'), formatDate(inv.expiresAt)],
    ]);
  }

  function render() {
    const inv = invitation;
    const showEditor =
      inv.url && inv.draft && (inv.status === 'DRAFT' || (editing && ['SENT', 'FAILED'].includes(inv.status)));
    replace(statusRegion, statusBlock());
    const focused = document.activeElement?.id;
    replace(
      main,
      breadcrumb([[t('nav.invitations'), links.invitations()], [who(inv)]]),
      pageTitle(
        inv.status === 'DRAFT'
          ? t('invitation.draftTitle', { who: who(inv) })
          : t('invitation.title', { who: who(inv) }),
      ),
      steps(inv.status === 'DRAFT' ? 'email' : 'done'),
      showEditor ? editor() : done(),
    );
    if (focused) document.getElementById(focused)?.focus();
  }

  function done() {
    const inv = invitation;
    const cancel = OPEN.has(inv.status)
      ? h(
          'button',
          { type: 'button', class: 'button danger-outline', onclick: () => cancelInvitation(send) },
          t('invitation.cancel'),
        )
      : null;
    const send = pendingGuard(kept, (locked) => {
      if (cancel) cancel.disabled = locked;
    });
    const again =
      inv.url && ['SENT', 'FAILED'].includes(inv.status)
        ? h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () => {
                editing = true;
                render();
              },
            },
            t('invitation.sendAgain'),
          )
        : null;
    return h(
      'div',
      { class: 'stack' },
      h('div', { class: 'card' }, statusRegion),
      // A link that can no longer be accepted is not offered; a new invitation is.
      inv.url && !ENDED.has(inv.status) ? linkBlock() : null,
      section(t('invitation.summary'), summary()),
      h(
        'div',
        { class: 'actions' },
        again,
        ENDED.has(inv.status)
          ? h('a', { class: 'button primary', href: links.invite(inv.customer?.id) }, t('invitation.inviteAnew'))
          : null,
        cancel,
        h('a', { class: 'button', href: links.customers() }, t('common.backToCustomers')),
        h('a', { class: 'button', href: links.invite() }, t('invitation.another')),
      ),
    );
  }

  function linkBlock() {
    const input = h('input', {
      type: 'text',
      readonly: true,
      value: invitation.url,
      class: 'mono',
      id: uid('link'),
      'data-testid': 'invitation-url',
    });
    const linkField = field({ label: t('invitation.link'), hint: t('invitation.linkHint'), input });
    return h(
      'div',
      { class: 'card link-block' },
      linkField.field,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            onclick: async () =>
              toast((await copyText(invitation.url)) ? t('invitation.linkCopied') : t('invitation.copyFailed'), {
                kind: 'success',
              }),
          },
          t('invitation.copyLink'),
        ),
      ),
    );
  }

  function editor() {
    const inv = invitation;
    const saved = edits.get(inv.id) ?? {
      recipient: inv.recipientEmail ?? '',
      subject: inv.draft.subject,
      body: inv.draft.body,
    };
    const url = inv.url;

    const recipientInput = h('input', {
      type: 'email',
      name: 'recipient',
      value: saved.recipient,
      autocomplete: 'off',
      id: 'draft-recipient',
    });
    const recipient = field({ label: t('invitation.to'), input: recipientInput, required: true });
    const subjectInput = h('input', {
      type: 'text',
      name: 'subject',
      value: saved.subject,
      id: 'draft-subject',
      maxlength: '300',
    });
    const subject = field({ label: t('invitation.subject'), input: subjectInput, required: true });
    const bodyInput = h('textarea', { name: 'body', rows: '16', id: 'draft-body', spellcheck: 'true' });
    bodyInput.value = saved.body;
    const body = field({
      label: t('invitation.body'),
      hint: t('invitation.bodyHint'),
      input: bodyInput,
      required: true,
    });

    const restore = h('button', { type: 'button', class: 'button small' }, t('invitation.restoreLink'));
    const warning = h(
      'div',
      { class: 'alert alert-warning', id: 'link-warning', 'data-testid': 'link-warning', hidden: true },
      h('p', {}, h('strong', {}, t('invitation.linkRemovedTitle')), ' ', t('invitation.linkRemoved', { url })),
      restore,
    );
    // A live region present from the start, so the warning is announced as it appears.
    const announcer = h('div', { role: 'alert', class: 'visually-hidden', 'data-testid': 'link-announcer' });

    const mailLink = h(
      'a',
      { class: 'button', href: inv.draft.mailtoUrl, 'data-testid': 'open-mail-app' },
      t('invitation.openMailApp'),
    );
    const copyButton = h('button', { type: 'button', class: 'button' }, t('invitation.copyText'));
    const sendEmail = h(
      'button',
      { type: 'submit', class: 'button primary', name: 'delivery', value: 'EMAIL' },
      t('invitation.sendEmail'),
    );
    const sendManual = h(
      'button',
      { type: 'submit', class: 'button', name: 'delivery', value: 'MANUAL' },
      t('invitation.markSent'),
    );
    const formError = h('div', { class: 'form-error', role: 'alert' });

    const linkPresent = () => bodyInput.value.includes(url);
    function update() {
      edits.set(inv.id, { recipient: recipientInput.value, subject: subjectInput.value, body: bodyInput.value });
      const ok = linkPresent();
      const wasHidden = warning.hidden;
      warning.hidden = ok;
      if (ok) {
        bodyInput.removeAttribute('aria-invalid');
        announcer.textContent = '';
      } else {
        bodyInput.setAttribute('aria-invalid', 'true');
        if (wasHidden) announcer.textContent = t('invitation.linkRemovedTitle');
      }
      bodyInput.setAttribute('aria-describedby', `${body.input.id}-hint ${body.error.id}${ok ? '' : ' link-warning'}`);
      for (const control of [sendEmail, sendManual]) control.disabled = !ok || locked;
      copyButton.disabled = !ok;
      if (ok) {
        mailLink.href = mailtoLink(recipientInput.value.trim(), { subject: subjectInput.value, body: bodyInput.value });
        mailLink.removeAttribute('aria-disabled');
      } else {
        mailLink.removeAttribute('href');
        mailLink.setAttribute('aria-disabled', 'true');
        mailLink.setAttribute('role', 'link');
      }
    }
    for (const input of [recipientInput, subjectInput, bodyInput]) input.addEventListener('input', update);
    // Where the link was in the last text that had it, to put it back in its place.
    let around = null;
    const remember = () => {
      const at = bodyInput.value.indexOf(url);
      if (at >= 0) around = { before: bodyInput.value.slice(0, at), after: bodyInput.value.slice(at + url.length) };
    };
    remember();
    bodyInput.addEventListener('input', remember);
    restore.addEventListener('click', () => {
      const text = bodyInput.value;
      if (
        around &&
        text.startsWith(around.before) &&
        text.endsWith(around.after) &&
        text.length >= around.before.length + around.after.length
      ) {
        // Replaces whatever took the link's place (e.g. a typed "(link)").
        bodyInput.value = around.before + url + around.after;
      } else if (around && text.startsWith(around.before)) {
        bodyInput.value = `${around.before}${url}\n${text.slice(around.before.length)}`;
      } else {
        bodyInput.value = `${text}${text.endsWith('\n') || !text ? '' : '\n'}\n${url}\n`;
      }
      update();
      remember();
      bodyInput.focus();
      const at = bodyInput.value.indexOf(url);
      bodyInput.setSelectionRange(at, at + url.length);
    });
    copyButton.addEventListener('click', async () => {
      const ok = await copyText(`${subjectInput.value}\n\n${bodyInput.value}`);
      toast(ok ? t('invitation.textCopied') : t('invitation.copyFailed'), { kind: ok ? 'success' : 'error' });
    });
    mailLink.addEventListener('click', (event) => {
      if (!linkPresent()) event.preventDefault();
    });

    const form = h(
      'form',
      { class: 'stack card draft', novalidate: true, 'aria-labelledby': 'draft-heading' },
      h('h2', { id: 'draft-heading' }, t('invitation.draftHeading')),
      h('p', { class: 'hint' }, t('invitation.draftIntro')),
      recipient.field,
      subject.field,
      body.field,
      warning,
      announcer,
      formError,
      h('div', { class: 'actions' }, copyButton, mailLink),
      h('p', { class: 'hint' }, t('invitation.sendChoice')),
      h('div', { class: 'actions' }, sendEmail, sendManual),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const delivery = event.submitter?.value === 'MANUAL' ? 'MANUAL' : 'EMAIL';
      replace(formError);
      for (const entry of [recipient, subject, body]) setFieldError(entry, null);
      if (!linkPresent()) {
        update();
        bodyInput.focus();
        return;
      }
      if (delivery === 'EMAIL' && !recipientInput.value.trim()) {
        setFieldError(recipient, t('invite.recipientRequired'));
        recipientInput.focus();
        return;
      }
      try {
        const input = {
          invitationId: inv.id,
          subject: subjectInput.value,
          body: bodyInput.value,
          recipientEmail: recipientInput.value.trim() || null,
          delivery,
        };
        const data = await send(query(SEND_INVITATION, { input }));
        const payload = data.sendInvitation;
        if (payload.userErrors.length) {
          if (signal.aborted) {
            toast(userErrorMessage(payload.userErrors[0]), { kind: 'error' });
          } else {
            const fields = { recipientEmail: recipient, subject, body };
            showUserErrors(payload.userErrors, { form, fields, formError });
          }
          return;
        }
        edits.delete(inv.id);
        editing = false;
        toast(delivery === 'EMAIL' ? t('invitation.queuedToast') : t('invitation.markedToast'), {
          kind: 'success',
          about: { topic: `invitation:${inv.id}`, state: payload.invitation.status },
        });
        // Not cancelled with the page: a page redrawn meanwhile (another language) takes
        // the answer through the live events.
        if (signal.aborted) {
          announce('invitation', payload.invitation);
          return;
        }
        take(payload.invitation);
        document.getElementById('page-title')?.focus();
      } catch (error) {
        if (signal.aborted) toast(errorMessage(error), { kind: 'error' });
        else replace(formError, h('p', { class: 'alert alert-error' }, errorMessage(error)));
      }
    });

    const cancel = h(
      'button',
      { type: 'button', class: 'button danger-outline', onclick: () => cancelInvitation(send) },
      t('invitation.cancel'),
    );
    // Sending or cancelling: nothing else until the answer (also across a redraw).
    let locked = false;
    const send = pendingGuard(kept, (value) => {
      locked = value;
      cancel.disabled = value;
      // An editor no longer on the page (the answer redrew it) saves no edits.
      if (form.isConnected) update();
    });
    update();
    return h(
      'div',
      { class: 'draft-layout' },
      h('div', { class: 'stack' }, linkBlock(), form),
      h(
        'aside',
        { class: 'stack' },
        h('div', { class: 'card' }, statusRegion),
        section(t('invitation.summary'), summary()),
        h('div', { class: 'actions' }, cancel),
      ),
    );
  }

  async function cancelInvitation(send) {
    if (!window.confirm(t('invitation.cancelConfirm'))) return;
    try {
      const data = await send(query(CANCEL_INVITATION, { input: { invitationId: invitation.id } }));
      const payload = data.cancelInvitation;
      if (payload.userErrors.length) {
        toast(userErrorMessage(payload.userErrors[0]), { kind: 'error' });
        return;
      }
      edits.delete(invitation.id);
      if (signal.aborted) announce('invitation', payload.invitation);
      else take(payload.invitation);
    } catch (error) {
      toast(errorMessage(error), { kind: 'error' });
    }
  }

  /** Takes newer state (from a mutation or the live feed); re-renders the whole page
   * only when the step changes, otherwise just the status (keeping edits and focus). */
  function merge(update) {
    const before = invitation;
    invitation = { ...invitation, ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) };
    if (before.status === 'DRAFT' && invitation.status === 'DRAFT') {
      replace(statusRegion, statusBlock());
      return;
    }
    if (before.status !== invitation.status || !editing) render();
    else replace(statusRegion, statusBlock());
  }

  /** Newer state than any load on its way (a mutation's answer, a live event): drawn,
   * and kept for a redraw. */
  function take(update) {
    merge(update);
    loader.adopt({ node: invitation });
  }

  listen(
    'invitation',
    (update) => {
      if (invitation && update.id === invitation.id) take(update);
    },
    signal,
  );
  listen('reconnected', loader.when(() => invitation !== null), signal);
  loader.begin();
}
