// Hash routes (#/customers/…), so that `/` is the only page the server needs to serve.

export function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

export function href(path, query) {
  const search = query ? `?${new URLSearchParams(query)}` : '';
  return `#${path}${search}`;
}

export function navigate(path, query) {
  const target = href(path, query);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

/** Finds the first route whose pattern matches; returns {view, params}. */
export function match(routes, path) {
  for (const [pattern, view] of routes) {
    const found = pattern.exec(path);
    if (found) return { view, params: found.slice(1).map(decodeURIComponent) };
  }
  return null;
}

const encoded = (id) => encodeURIComponent(id);

/** The hrefs of the dashboard's pages, ids encoded: views link only through these. */
export const links = {
  customers: () => href('/customers'),
  customer: (id) => href(`/customers/${encoded(id)}`),
  remove: (customerId) => href(`/customers/${encoded(customerId)}/remove`),
  invite: (customerId) => href('/invite', customerId ? { customer: customerId } : undefined),
  invitations: () => href('/invitations'),
  invitation: (id) => href(`/invitations/${encoded(id)}`),
  removals: () => href('/removals'),
  removal: (id) => href(`/removals/${encoded(id)}`),
};
