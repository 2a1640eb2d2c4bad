// The signed-in partner user: the bearer token (kept for this browser tab only), the
// viewer, and what the viewer may do — as the API says (`Viewer.capabilities`, from its
// permission table), so the UI never asks for a field the viewer may not read.

import { ApiError, graphql } from './api.js';
import { GUARDS, VIEWER } from './documents.js';

const STORAGE_KEY = 'pc.partnerToken';


/** `['VIEW_BILLING_PROFILE', …]` → `{ viewBillingProfile: true, … }`; anything not
 * listed reads as false (never undefined: these go into GraphQL variables). */
function capabilitiesFrom(names) {
  const can = {};
  for (const name of names ?? []) {
    const key = name.toLowerCase().replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
    can[key] = true;
  }
  return new Proxy(Object.freeze(can), { get: (held, key) => held[key] === true });
}

/** When the token stops being accepted, from its `exp` claim, or null. Read without
 * verifying (the API decides): only so that the UI can warn in time. */
function expiryOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload));
    return Number.isFinite(exp) ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

// What views keep while one user is signed in (the customer list's page, unsent edits).
const remembered = new Map();

/** This user's state by name, made by `create` the first time; forgotten at sign-out
 * and when another user signs in, so the next person at this tab starts clean. */
export function sessionState(name, create) {
  if (!remembered.has(name)) remembered.set(name, create());
  return remembered.get(name);
}

export const session = {
  token: null,
  viewer: null,
  expiresAt: null,
  can: capabilitiesFrom([]),
  get partner() {
    return this.viewer?.partner ?? null;
  },
};

export function storedToken() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Checks the token with the API; a customer-side token is refused here. */
export async function signIn(rawToken) {
  const token = String(rawToken ?? '')
    .trim()
    .replace(/^Bearer\s+/i, '');
  if (!token) throw new ApiError('empty', { code: 'EMPTY_TOKEN' });
  const data = await graphql(VIEWER, {}, { token, quiet401: true });
  if (!data.viewer.partner) throw new ApiError('customer token', { code: 'CUSTOMER_TOKEN' });
  const sameUser = session.viewer?.userId === data.viewer.userId && session.viewer?.tenantId === data.viewer.tenantId;
  if (!sameUser) remembered.clear();
  session.token = token;
  session.expiresAt = expiryOf(token);
  session.viewer = data.viewer;
  session.can = capabilitiesFrom(data.viewer.capabilities);
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // the session then lasts until the page is reloaded
  }
  return session;
}

export function signOut() {
  remembered.clear();
  session.token = null;
  session.viewer = null;
  session.expiresAt = null;
  session.can = capabilitiesFrom([]);
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** The @include variables of documents.js for the signed-in viewer: each true where
 * the viewer holds the capability it stands for. */
export function guardVariables() {
  const held = new Set(session.viewer?.capabilities ?? []);
  return Object.fromEntries(Object.entries(GUARDS).map(([variable, capability]) => [variable, held.has(capability)]));
}

/** A GraphQL operation as the signed-in user. */
export function query(text, variables = {}, options = {}) {
  return graphql(text, variables, { token: session.token, ...options });
}
