// The glossary's words (glossary.json, which the invitation emails use too), for the
// catalogues to name things alike everywhere.
import glossary from './glossary.json' with { type: 'json' };

/** The words in `language`, by concept: {accept: …, dap: …, gdap: …}. */
export function terms(language) {
  return Object.fromEntries(Object.entries(glossary).map(([concept, entry]) => [concept, entry[language]]));
}

/** The word as a sentence starts it. */
export function capital(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
