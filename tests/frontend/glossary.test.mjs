// Both catalogues name things as the glossary (locales/glossary.json) does, which the
// invitation emails use too: no text says a thing in one of the words it rules out.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import en from '../../api/http/dashboard/static/locales/en.js';
import glossary from '../../api/http/dashboard/static/locales/glossary.json' with { type: 'json' };
import ja from '../../api/http/dashboard/static/locales/ja.js';

/** The words a text uses that the glossary rules out, once its own terms are set aside. */
export function avoided(text, language) {
  const fold = (value) => (language === 'en' ? value.toLowerCase() : value);
  let rest = fold(text);
  const terms = Object.values(glossary).map((entry) => fold(entry[language]));
  for (const term of terms.sort((a, b) => b.length - a.length)) rest = rest.replaceAll(term, ' ');
  return Object.values(glossary)
    .flatMap((entry) => entry.avoid[language])
    .filter((word) => rest.includes(fold(word)));
}

for (const [language, catalogue] of Object.entries({ en, ja })) {
  test(`${language}: no text uses a word the glossary rules out`, () => {
    const found = Object.entries(catalogue).flatMap(([key, entry]) =>
      (typeof entry === 'string' ? [entry] : Object.values(entry)).flatMap((text) =>
        avoided(text, language).map((word) => `${key}: “${word}” in “${text}”`),
      ),
    );
    assert.deepEqual(found, []);
  });

  test(`${language}: every term of the glossary is in use`, () => {
    const texts = Object.values(catalogue).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    const unused = Object.entries(glossary)
      .filter(([, entry]) => !texts.some((text) => text.toLowerCase().includes(entry[language].toLowerCase())))
      .map(([concept]) => concept);
    assert.deepEqual(unused, []);
  });
}
