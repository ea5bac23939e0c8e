import { beforeEach, describe, expect, it } from 'vitest';
import { messages } from './messages';
import { i18n, setLocale, t, useI18n, type MessageKey } from './use-i18n';

function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value]]
      : leaves(value as object, `${prefix}${key}.`),
  );
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const pluralForms = (s: string) => s.split('|').length;

/**
 * Words Bahasa Indonesia writes as English does: names and loanwords. A string that reads the same
 * in `id` as in `en` is translated only when every word in it is one of these (placeholders,
 * numbers and punctuation aside); anything else was left in English.
 */
const SAME_IN_BOTH = new Set([
  'Switchboard',
  'WhatsApp',
  'Web',
  'Meta',
  'English',
  'Bahasa',
  'Indonesia',
  'Platform',
  'Email',
  'Status',
  'Video',
  'Audio',
  'Driver',
  'Host',
  'Port',
  'Total',
  'MB',
]);
const wordsOf = (s: string) => s.replace(/\{\w+\}/g, ' ').match(/\p{L}+/gu) ?? [];

describe('i18n', () => {
  beforeEach(() => {
    localStorage.clear();
    setLocale('en');
  });

  it('has every English string in Bahasa Indonesia, none empty, with the same placeholders and plural forms', () => {
    const id = new Map(leaves(messages.id));
    const missing: string[] = [];
    for (const [key, english] of leaves(messages.en)) {
      const indonesian = id.get(key);
      if (!indonesian?.trim()) {
        missing.push(key);
        continue;
      }
      expect(placeholders(indonesian), key).toEqual(placeholders(english));
      expect(pluralForms(indonesian), key).toBe(pluralForms(english));
    }
    expect(missing).toEqual([]);
  });

  it('has no Bahasa Indonesia string left in English', () => {
    const english = new Map(leaves(messages.en));
    const untranslated = leaves(messages.id)
      .filter(
        ([key, value]) =>
          english.get(key) === value && wordsOf(value).some((word) => !SAME_IN_BOTH.has(word)),
      )
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });

  it('has no key in Bahasa Indonesia that English lacks', () => {
    const english = new Set(leaves(messages.en).map(([key]) => key));
    expect(leaves(messages.id).filter(([key]) => !english.has(key))).toEqual([]);
  });

  it('compiles every message of both languages with vue-i18n, filling every placeholder', () => {
    for (const locale of ['en', 'id'] as const) {
      setLocale(locale);
      for (const [key, source] of leaves(messages[locale])) {
        const params = Object.fromEntries(placeholders(source).map((name) => [name, `<${name}>`]));
        const text = t(key as MessageKey, params, pluralForms(source) > 1 ? 2 : undefined);
        expect(text, `${locale}:${key}`).not.toBe(key);
        expect(text, `${locale}:${key}`).not.toMatch(/\{\w+\}/);
        for (const name of placeholders(source)) expect(text, key).toContain(`<${name}>`);
      }
    }
  });

  it('fills placeholders and picks the plural form the way vue-i18n does', () => {
    expect(t('login.retryAfter', { seconds: 30 })).toBe('You can try again in 30 seconds.');
    expect(t('inbox.unread', { n: 1 }, 1)).toBe('1 unread message');
    expect(t('inbox.unread', { n: 4 }, 4)).toBe('4 unread messages');
    setLocale('id');
    expect(t('inbox.unread', { n: 4 }, 4)).toBe('4 pesan belum dibaca');
  });

  it('shows a count of 0 as 0, and lets the plural argument alone pick the form', () => {
    expect(t('numbers.usage', { n: 0, max: 2 }, 2)).toBe('0 of 2 numbers');
    expect(t('numbers.usage', { n: 1, max: 2 }, 2)).toBe('1 of 2 numbers');
    expect(t('numbers.usage', { n: 1, max: 1 }, 1)).toBe('1 of 1 number');
    expect(t('inbox.unread', { n: 0 }, 0)).toBe('0 unread messages');
  });

  it('switches language for templates, the document and the next visit to the login page', () => {
    setLocale('id');
    expect(useI18n().locale.value).toBe('id');
    expect(i18n.global.locale.value).toBe('id');
    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
    expect(document.documentElement.lang).toBe('id');
    expect(localStorage.getItem('switchboard.locale')).toBe('id');

    setLocale('en');
    expect(t('nav.whatsapp')).toBe('WhatsApp numbers');
  });
});
