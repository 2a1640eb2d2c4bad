// The English and Japanese catalogues must have the same keys, and each key the same {placeholders}
// (over all its plural forms), so that no screen shows a raw key or an unfilled "{name}".
import assert from 'node:assert/strict';
import { test } from 'node:test';

import en from '../../api/http/dashboard/static/locales/en.js';
import ja from '../../api/http/dashboard/static/locales/ja.js';

const CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** The texts of an entry: a plain string, or each of its plural forms. */
function forms(entry) {
  return typeof entry === 'string' ? [entry] : Object.values(entry);
}

function placeholders(entry) {
  const names = new Set();
  for (const text of forms(entry)) for (const [, name] of text.matchAll(/\{(\w+)\}/g)) names.add(name);
  return [...names].sort();
}

test('en and ja have the same keys', () => {
  const missingInJa = Object.keys(en).filter((key) => !(key in ja));
  const onlyInJa = Object.keys(ja).filter((key) => !(key in en));
  assert.deepEqual({ missingInJa, onlyInJa }, { missingInJa: [], onlyInJa: [] });
});

test('each key has the same placeholders in en and ja', () => {
  const differing = Object.keys(en)
    .filter((key) => key in ja)
    .filter((key) => placeholders(en[key]).join() !== placeholders(ja[key]).join())
    .map((key) => `${key}: en {${placeholders(en[key])}} ja {${placeholders(ja[key])}}`);
  assert.deepEqual(differing, []);
});

test('plural entries use plural categories, always with other, and a {count}', () => {
  for (const [name, catalogue] of Object.entries({ en, ja })) {
    for (const [key, entry] of Object.entries(catalogue)) {
      if (typeof entry === 'string') continue;
      const where = `${name} ${key}`;
      assert.equal(typeof entry, 'object', `${where} is neither text nor plural forms`);
      assert.ok('other' in entry, `${where} has no "other" form`);
      for (const [category, text] of Object.entries(entry)) {
        assert.ok(CATEGORIES.has(category), `${where}: "${category}" is no plural category`);
        assert.equal(typeof text, 'string', `${where}.${category} is not text`);
      }
      assert.ok(placeholders(entry).includes('count'), `${where} is plural but has no {count}`);
    }
  }
});
