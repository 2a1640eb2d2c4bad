// The public GraphQL API over HTTP (queries and mutations) and graphql-transport-ws
// (subscriptions, through the vendored graphql-ws client).

import { createClient } from './vendor/graphql-ws/client.js';

const ENDPOINT = document.querySelector('meta[name="pc-graphql"]')?.content || '/graphql';

export class ApiError extends Error {
  /** code: UNAUTHENTICATED | FORBIDDEN | NETWORK | HTTP | a GraphQL error code */
  constructor(message, { code = 'ERROR', status = 0, errors = [] } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.errors = errors;
  }
}

const unauthenticatedListeners = new Set();

/** Called when the API says the token is no longer valid (HTTP 401, websocket 4401). */
export function onUnauthenticated(listener) {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function reportUnauthenticated() {
  for (const listener of unauthenticatedListeners) listener();
}

/**
 * Runs one operation and returns its `data`. Throws ApiError when the operation failed
 * as a whole; errors at a path inside otherwise good data (which the UI avoids by not
 * asking for fields the role may not read) are logged and the data returned.
 */
export async function graphql(query, variables = {}, { token, signal, quiet401 = false } = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError('The service could not be reached.', { code: 'NETWORK' });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const errors = body?.errors ?? [];
  if (response.status === 401) {
    if (!quiet401) reportUnauthenticated();
    throw new ApiError(errors[0]?.message ?? 'Unauthenticated', { code: 'UNAUTHENTICATED', status: 401, errors });
  }
  if (!body || (!response.ok && !body.data)) {
    throw new ApiError(errors[0]?.message ?? `HTTP ${response.status}`, {
      code: errors[0]?.extensions?.code ?? 'HTTP',
      status: response.status,
      errors,
    });
  }
  if (errors.length && (body.data === null || body.data === undefined || errors.some((e) => !e.path))) {
    throw new ApiError(errors[0].message, {
      code: errors[0].extensions?.code ?? 'ERROR',
      status: response.status,
      errors,
    });
  }
  if (errors.length) console.warn('GraphQL errors at paths', errors);
  return body.data;
}

/**
 * A live connection for subscriptions. Reconnects with backoff after the connection
 * drops (and notices a silently dead one through ping/pong), reports its state, and
 * tells listeners when it is back so that views can fetch what they missed.
 */
export function createLiveConnection(token, { onState = () => {}, onReconnected = () => {} } = {}) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = new URL(ENDPOINT, location.href);
  url.protocol = `${scheme}:`;
  let everConnected = false;
  let disposed = false;
  // A disposed connection (sign-out) says nothing more, even as its socket closes.
  const report = (state) => {
    if (!disposed) onState(state);
  };
  let pongTimer = null;
  let activeSocket = null;
  const client = createClient({
    url: url.href,
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const delay = Math.min(500 * 2 ** retries, 8000) + Math.floor(Math.random() * 300);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
    keepAlive: 10_000,
    onNonLazyError: (error) => {
      if (error?.code === 4401 && !disposed) reportUnauthenticated();
      report('offline');
    },
    on: {
      connecting: () => report(everConnected ? 'reconnecting' : 'connecting'),
      opened: (socket) => {
        activeSocket = socket;
      },
      connected: () => {
        report('live');
        if (everConnected && !disposed) onReconnected();
        everConnected = true;
      },
      closed: (event) => {
        activeSocket = null;
        clearTimeout(pongTimer);
        if (event?.code === 4401) {
          if (!disposed) reportUnauthenticated();
          report('offline');
        } else {
          report('reconnecting');
        }
      },
      ping: (received) => {
        if (received) return;
        // Our keep-alive ping: no pong within 5 s means the connection is gone.
        pongTimer = setTimeout(() => {
          if (activeSocket?.readyState === WebSocket.OPEN) activeSocket.close(4408, 'Request Timeout');
        }, 5_000);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  return {
    /** Subscribes; `next` receives each `data`. Returns an unsubscribe function. */
    subscribe(query, next, error = (e) => console.warn('subscription error', e)) {
      return client.subscribe(
        { query },
        {
          next: (result) => {
            if (result.data) next(result.data);
            if (result.errors) console.warn('subscription errors', result.errors);
          },
          error,
          complete: () => {},
        },
      );
    },
    dispose() {
      disposed = true;
      clearTimeout(pongTimer);
      client.dispose();
    },
  };
}
