// The dashboard's hash router: route matching and links, without a browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { currentRoute, href, match } from '../../api/http/dashboard/static/router.js';

const list = () => 'list';
const detail = () => 'detail';
const remove = () => 'remove';
// Same shape as app.js's ROUTES: the more specific pattern first.
const ROUTES = [
  [/^\/customers\/?$/, list],
  [/^\/customers\/([^/]+)\/remove$/, remove],
  [/^\/customers\/([^/]+)$/, detail],
];

test('match picks the first matching route and decodes its parameters', () => {
  assert.deepEqual(match(ROUTES, '/customers'), { view: list, params: [] });
  assert.deepEqual(match(ROUTES, '/customers/'), { view: list, params: [] });
  assert.deepEqual(match(ROUTES, '/customers/Q3VzdG9tZXI6MQ%3D%3D'), { view: detail, params: ['Q3VzdG9tZXI6MQ=='] });
  assert.deepEqual(match(ROUTES, '/customers/abc/remove'), { view: remove, params: ['abc'] });
});

test('match returns null for an unknown path', () => {
  assert.equal(match(ROUTES, '/nowhere'), null);
  assert.equal(match(ROUTES, '/customers/a/b'), null);
});

test('href builds a hash link with an optional query', () => {
  assert.equal(href('/invite'), '#/invite');
  assert.equal(href('/customers', { search: 'a b', after: 'x' }), '#/customers?search=a+b&after=x');
});

test('currentRoute reads the path and query from location.hash', (t) => {
  t.after(() => delete globalThis.location);
  globalThis.location = { hash: '#/customers?search=contoso' };
  const route = currentRoute();
  assert.equal(route.path, '/customers');
  assert.equal(route.query.get('search'), 'contoso');
  globalThis.location = { hash: '' };
  assert.equal(currentRoute().path, '/');
});
