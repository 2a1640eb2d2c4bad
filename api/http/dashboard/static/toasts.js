// Toasts in a polite live region; they stay while hovered or focused, and can be closed.

import { h } from './dom.js';
import { t } from './i18n.js';

const SHOW_MS = 10_000;

function region() {
  let element = document.getElementById('toasts');
  if (!element) {
    element = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(element);
  }
  return element;
}

/** toast(message, {kind: 'success' | 'info' | 'error', action: {label, href}}) */
export function toast(message, { kind = 'info', action = null } = {}) {
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close') }, '×');
  const element = h(
    'div',
    { class: ['toast', `toast-${kind}`], 'data-kind': kind },
    h('p', {}, message),
    action ? h('a', { href: action.href, class: 'toast-action' }, action.label) : null,
    close,
  );
  let timer = null;
  const dismiss = () => {
    clearTimeout(timer);
    element.remove();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(dismiss, SHOW_MS);
  };
  close.addEventListener('click', dismiss);
  element.addEventListener('mouseenter', () => clearTimeout(timer));
  element.addEventListener('mouseleave', schedule);
  element.addEventListener('focusin', () => clearTimeout(timer));
  element.addEventListener('focusout', schedule);
  region().append(element);
  schedule();
  return element;
}
