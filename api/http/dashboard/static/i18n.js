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
  for (const tag of navigator.languages ?? [navigator.language]) {
    if (supported(tag)) return supported(tag);
  }
  return 'en';
}

let current = detect();
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
  document.documentElement.lang = current;
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** t('customers.count', {count: 3}) — `{name}` placeholders; falls back to English. */
export function t(key, values = {}) {
  const text = DICTIONARIES[current][key] ?? DICTIONARIES.en[key];
  if (text === undefined) {
    console.warn(`missing text: ${key}`);
    return key;
  }
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

document.documentElement.lang = current;
