// Texts in English and Japanese, picked from the browser's language and switchable.

import en from './locales/en.js';
import ja from './locales/ja.js';

const DICTIONARIES = { en, ja };
const STORAGE_KEY = 'pc.language';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'ja', name: '日本語' },
];

function supported(tag) {
  const primary = String(tag ?? '')
    .toLowerCase()
    .split('-')[0];
  return primary in DICTIONARIES ? primary : null;
}

function detect() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (supported(stored)) return supported(stored);
  // No navigator outside a browser (node --test imports this module): English then.
  const tags = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of tags) {
    if (supported(tag)) return supported(tag);
  }
  return 'en';
}

let current = detect();

// Tells screen readers and the browser's hyphenation which language is shown; no document in Node.
function setDocumentLanguage() {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}
const listeners = new Set();

export function language() {
  return current;
}

export function setLanguage(code) {
  const next = supported(code) ?? 'en';
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for the page
  }
  if (next === current) return;
  current = next;
  setDocumentLanguage();
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * t('invitations.count', {count: 3}) — `{name}` placeholders; falls back to English.
 * An entry may be plural forms keyed by Intl.PluralRules category ({one, other}): values.count picks one.
 */
export function t(key, values = {}) {
  // The forms are chosen by the rules of the language they are written in, also when falling back.
  const lang = key in DICTIONARIES[current] ? current : 'en';
  let text = DICTIONARIES[lang][key];
  if (text === undefined) {
    console.warn(`missing text: ${key}`);
    return key;
  }
  if (typeof text === 'object') text = text[new Intl.PluralRules(lang).select(Number(values.count))] ?? text.other;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

/** Label of an API enum value, e.g. label('InvitationStatus', 'SENT'). */
export function label(type, value) {
  if (value === null || value === undefined) return '';
  return t(`${type}.${value}`);
}

export function formatDateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatNumber(value) {
  return new Intl.NumberFormat(current).format(value);
}

setDocumentLanguage();
