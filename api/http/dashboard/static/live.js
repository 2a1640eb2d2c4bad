// Live updates for the signed-in partner: one websocket with the three subscriptions,
// re-dispatched as DOM events that views listen to while they are on screen.
//
// Events: `state` (detail: 'connecting' | 'live' | 'reconnecting' | 'offline'),
// `reconnected`, `accepted` (an InvitationAcceptedEvent), `invitation` (an Invitation),
// `relationship` (a RelationshipEvent).

import { createLiveConnection } from './api.js';
import { INVITATION_ACCEPTED, INVITATION_UPDATED, RELATIONSHIP_EVENTS } from './documents.js';


export const live = new EventTarget();
let connection = null;
let state = 'off';
/** Tenant ids of customers that joined while this page was open (for a "new" badge). */
export const recentlyJoined = new Set();

function emit(type, detail) {
  live.dispatchEvent(new CustomEvent(type, { detail }));
}

export function liveState() {
  return state;
}

/** Opens the live connection; with `resume` (a new token for the same user), the
 * views fetch what they may have missed once it is live, as after a reconnection. */
export function startLive(token, { resume = false } = {}) {
  const joined = resume ? new Set(recentlyJoined) : new Set();
  stopLive();
  for (const tenant of joined) recentlyJoined.add(tenant);
  let resuming = resume;
  connection = createLiveConnection(token, {
    onState: (next) => {
      state = next;
      emit('state', next);
      if (next === 'live' && resuming) {
        resuming = false;
        emit('reconnected');
      }
    },
    onReconnected: () => emit('reconnected'),
  });
  connection.subscribe(INVITATION_ACCEPTED, (data) => {
    recentlyJoined.add(data.invitationAccepted.customerTenantId);
    emit('accepted', data.invitationAccepted);
  });
  connection.subscribe(INVITATION_UPDATED, (data) => emit('invitation', data.invitationUpdated));
  connection.subscribe(RELATIONSHIP_EVENTS, (data) => emit('relationship', data.relationshipEvents));
}

export function stopLive() {
  connection?.dispose();
  connection = null;
  recentlyJoined.clear();
  state = 'off';
  emit('state', state);
}

/** Passes on, to whichever view is on screen, what a mutation of this tab returned (the
 * page that sent it may have been redrawn or left meanwhile). */
export function announce(type, detail) {
  emit(type, detail);
}

/** Listens while `signal` is not aborted (views pass the signal of their route). */
export function listen(type, listener, signal) {
  live.addEventListener(type, (event) => listener(event.detail), { signal });
}
