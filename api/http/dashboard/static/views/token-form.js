// The token form shared by the partner's sign-in and the customer's accept page: paste a
// bearer token or, in `partner-connect dev`, pick a demo user.

import { field, h, setFieldError } from '../dom.js';
import { label, t } from '../i18n.js';
import { errorMessage } from './common.js';

/** The demo users of `partner-connect dev`, or [] anywhere else; asked for each
 * time, as "A new customer" is a new tenant every time. */
export async function loadDemoUsers() {
  try {
    const response = await fetch('/dev/demo-users.json', { headers: { Accept: 'application/json' } });
    return response.ok ? await response.json() : [];
  } catch {
    return [];
  }
}

function signInErrorText(error) {
  if (error?.code === 'EMPTY_TOKEN') return t('signin.errorEmpty');
  if (error?.code === 'UNAUTHENTICATED') {
    const reason = error.errors?.[0]?.extensions?.reason;
    return t(reason === 'expired' ? 'signin.errorExpired' : 'signin.errorInvalid');
  }
  if (error?.code === 'CUSTOMER_TOKEN') return t('signin.errorCustomer');
  return errorMessage(error);
}

/**
 * The token form, with the demo picker when available.
 * `kinds` filters demo users ('CUSTOMER' or partner kinds); `submit(token)` signs in
 * and throws an ApiError to show.
 */
export function tokenForm({ submit, customer = false }) {
  const tokenInput = h('textarea', {
    name: 'token',
    rows: '4',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'mono',
  });
  const tokenField = field({
    label: t('signin.tokenLabel'),
    hint: t(customer ? 'signin.tokenHintCustomer' : 'signin.tokenHint'),
    input: tokenInput,
  });
  const button = h('button', { type: 'submit', class: 'button primary' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'stack', novalidate: true, 'aria-label': t('signin.tokenFormLabel') },
    tokenField.field,
    h('div', { class: 'actions' }, button),
  );

  const run = async (token, entry) => {
    setFieldError(entry, null);
    button.disabled = true;
    try {
      await submit(token);
    } catch (error) {
      setFieldError(entry, signInErrorText(error));
      entry.input.focus();
    } finally {
      button.disabled = false;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(tokenInput.value, tokenField);
  });

  const container = h('div', { class: 'signin-forms' }, form);
  loadDemoUsers().then((users) => {
    const usable = users.filter((user) => (customer ? user.kind === 'CUSTOMER' : user.kind !== 'CUSTOMER'));
    if (!usable.length) return;
    const select = h('select', { name: 'demo-user' });
    const groups = new Map();
    for (const user of usable) {
      if (!groups.has(user.organisation)) groups.set(user.organisation, []);
      groups.get(user.organisation).push(user);
    }
    for (const [organisation, members] of groups) {
      const kind = members[0].kind === 'CUSTOMER' ? '' : ` (${label('PartnerKind', members[0].kind)})`;
      select.append(
        h(
          'optgroup',
          { label: `${organisation}${kind}` },
          members.map((user) => h('option', { value: user.token }, `${organisation} · ${label('Role', user.role)}`)),
        ),
      );
    }
    const demoField = field({ label: t('signin.demoLabel'), hint: t('signin.demoHint'), input: select });
    const demoForm = h(
      'form',
      { class: 'stack demo-signin', 'aria-label': t('signin.demoFormLabel') },
      h('h2', {}, t('signin.demoTitle')),
      demoField.field,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('signin.demoSubmit'))),
    );
    demoForm.addEventListener('submit', (event) => {
      event.preventDefault();
      run(select.value, demoField);
    });
    container.append(demoForm);
  });
  return container;
}
