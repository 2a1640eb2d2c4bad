// t(): placeholders, falling back to English, and plural forms through Intl.PluralRules.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import en from '../../api/http/dashboard/static/locales/en.js';
import ja from '../../api/http/dashboard/static/locales/ja.js';
import { label, language, setLanguage, t } from '../../api/http/dashboard/static/i18n.js';

afterEach(() => setLanguage('en'));

test('imports in Node and starts in English (no navigator, no stored choice)', () => {
  assert.equal(language(), 'en');
});

test('placeholders are filled in; unknown ones are left as they are', () => {
  assert.equal(t('invitation.queued', { email: 'a@example.com' }), 'Queued for delivery to a@example.com.');
  assert.equal(t('invitation.queued'), 'Queued for delivery to {email}.');
});

test('a key missing in Japanese falls back to English; an unknown key shows itself', (t_) => {
  const key = 'invitation.queued';
  const saved = ja[key];
  delete ja[key];
  t_.after(() => (ja[key] = saved));
  setLanguage('ja');
  assert.equal(t(key, { email: 'a@example.com' }), 'Queued for delivery to a@example.com.');
  t_.mock.method(console, 'warn', () => {});
  assert.equal(t('no.such.key'), 'no.such.key');
});

test('setLanguage switches texts; an unsupported language means English', () => {
  setLanguage('ja-JP');
  assert.equal(language(), 'ja');
  assert.equal(label('InvitationStatus', 'SENT'), ja['InvitationStatus.SENT']);
  setLanguage('fr');
  assert.equal(language(), 'en');
  assert.equal(label('InvitationStatus', 'SENT'), en['InvitationStatus.SENT']);
});

test('English plurals: 1 is singular, 0 and 2 plural', () => {
  assert.equal(t('invitations.count', { count: 1 }), '1 invitation');
  assert.equal(t('invitations.count', { count: 2 }), '2 invitations');
  assert.equal(t('invitations.count', { count: 0 }), '0 invitations');
  assert.equal(t('customers.count', { count: 1 }), '1 customer');
  assert.equal(t('invitation.failed', { count: 1, error: 'x' }), 'Delivery failed after 1 attempt: x');
});

test('Japanese has one form: always other', () => {
  setLanguage('ja');
  assert.equal(t('invitations.count', { count: 1 }), '1 件の招待');
  assert.equal(t('invitations.count', { count: 2 }), '2 件の招待');
});

test('a category a catalogue lacks falls back to other', (t_) => {
  const key = 'invitations.count';
  const saved = en[key];
  en[key] = { other: '{count} items' };
  t_.after(() => (en[key] = saved));
  assert.equal(t(key, { count: 1 }), '1 items');
});

test('English forms fallen back to from Japanese follow the English rules', (t_) => {
  const key = 'invitations.count';
  const saved = ja[key];
  delete ja[key];
  t_.after(() => (ja[key] = saved));
  setLanguage('ja');
  assert.equal(t(key, { count: 1 }), '1 invitation');
});
