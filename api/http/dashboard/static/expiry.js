// A warning a few minutes before the signed-in token expires, with a way to go on: a
// new token is taken where the user is, so the page and what they typed stay.

import { h, preserveInputs, replace } from './dom.js';
import { formatDateTime, t } from './i18n.js';
import { session } from './session.js';
import { tokenForm } from './views/token-form.js';

const WARN_BEFORE_MS = 5 * 60_000;
// setTimeout takes at most a 32-bit delay (about 24 days); longer waits go in steps.
const LONGEST_WAIT_MS = 2 ** 31 - 1;

let timer = null;
// A new token being checked: the warning is not redrawn under it meanwhile.
let renewing = false;

function region() {
  return document.getElementById('session-warning');
}

/** Stops warning (signed out, or a new token is being watched). */
export function stopWatchingExpiry() {
  clearTimeout(timer);
  region()?.replaceChildren();
}

/** The warning on screen drawn again (another language), with what was typed in it;
 * not while a new token is being checked. */
export function redrawExpiryWarning(watch) {
  const warning = region();
  if (!warning?.childElementCount || renewing) return;
  preserveInputs(warning, () => watchExpiry(watch));
}

/** Warns before `session.expiresAt`; `renew(token)` takes a new token (and watches
 * it; throws an ApiError to show in the form); `signOut()` ends the session. */
export function watchExpiry({ renew, signOut }) {
  stopWatchingExpiry();
  if (!session.expiresAt) return;
  const wait = session.expiresAt.getTime() - WARN_BEFORE_MS - Date.now();
  const show = () => {
    const at = formatDateTime(session.expiresAt);
    const title = h('h2', { id: 'session-warning-title' }, t('session.endingTitle', { at }));
    replace(
      region(),
      h(
        'section',
        { class: 'card session-warning', 'aria-labelledby': title.id, 'data-testid': 'session-warning' },
        title,
        // Announced without taking the focus from what the user is typing.
        h('p', { role: 'alert' }, t('session.endingText')),
        tokenForm({
          submit: async (token) => {
            renewing = true;
            try {
              await renew(token);
            } finally {
              renewing = false;
            }
          },
        }),
        h('button', { type: 'button', class: 'button', onclick: signOut }, t('nav.signOut')),
      ),
    );
  };
  if (wait <= 0) {
    show();
    return;
  }
  const next = () => (wait > LONGEST_WAIT_MS ? watchExpiry({ renew, signOut }) : show());
  timer = setTimeout(next, Math.min(wait, LONGEST_WAIT_MS));
}
