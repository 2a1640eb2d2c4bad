// Toasts in a polite live region; they stay while hovered or focused, and can be closed.
// A toast about something (an invitation) goes once that has moved on, and the page keeps
// room below its end for the toasts, so that they never sit on its last rows for good.

import { h } from './dom.js';
import { t } from './i18n.js';

const SHOW_MS = 10_000;

let measured = null;

function region() {
  let element = document.getElementById('toasts');
  if (!element) {
    element = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(element);
  }
  if (measured !== element) {
    measured = element;
    // Read by main's bottom padding (styles.css): the page can always scroll clear of them.
    new ResizeObserver(() =>
      document.documentElement.style.setProperty('--toasts-height', `${element.offsetHeight}px`),
    ).observe(element);
  }
  return element;
}

/**
 * toast(message, {kind: 'success' | 'info' | 'error', action: {label, href}, about: {topic, state}})
 * `about` names what the toast tells of, e.g. {topic: 'invitation:<id>', state: 'QUEUED'}:
 * a newer toast about the same topic replaces it, and outdated(topic, state) takes it away.
 */
export function toast(message, { kind = 'info', action = null, about = null } = {}) {
  if (about) outdated(about.topic);
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close') }, '×');
  const element = h(
    'div',
    { class: ['toast', `toast-${kind}`], 'data-kind': kind, dataset: about ?? {} },
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

/** Takes away the toasts about `topic` that tell of another state than `state`. */
export function outdated(topic, state = null) {
  for (const element of document.querySelectorAll('#toasts .toast')) {
    if (element.dataset.topic === topic && element.dataset.state !== state) element.remove();
  }
}

/** Every toast goes: on signing out, the next person reads none of them. */
export function clearToasts() {
  document.getElementById('toasts')?.replaceChildren();
}
