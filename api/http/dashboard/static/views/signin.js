// Sign-in: paste a bearer token; in `partner-connect dev`, pick a demo user instead.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { pageTitle } from './common.js';
import { tokenForm } from './token-form.js';

export function renderSignIn(main, { submit, notice }) {
  replace(
    main,
    h(
      'div',
      { class: 'narrow' },
      pageTitle(t('signin.title')),
      h('p', { class: 'lead' }, t('signin.intro')),
      notice ? h('p', { class: 'alert alert-info', role: 'status' }, notice) : null,
      h('div', { class: 'card' }, tokenForm({ submit })),
    ),
  );
}
