// The signed-in partner user: the bearer token (kept for this browser tab only), the
// viewer, and what the viewer's roles allow.

import { ApiError, graphql } from './api.js';
import { capabilitiesFor } from './roles.js';

const STORAGE_KEY = 'pc.partnerToken';

const VIEWER = `query Viewer {
  viewer { userId tenantId roles partner { id name partnerId kind } }
}`;

export const session = {
  token: null,
  viewer: null,
  can: capabilitiesFor([]),
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
  session.token = token;
  session.viewer = data.viewer;
  session.can = capabilitiesFor(data.viewer.roles);
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // the session then lasts until the page is reloaded
  }
  return session;
}

export function signOut() {
  session.token = null;
  session.viewer = null;
  session.can = capabilitiesFor([]);
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** A GraphQL operation as the signed-in user. */
export function query(text, variables = {}, options = {}) {
  return graphql(text, variables, { token: session.token, ...options });
}
