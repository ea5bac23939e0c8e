import { beforeEach, describe, expect, it } from 'vitest';
import { messages } from './messages';
import { restoreLocaleFor, setLocale, t, useI18n } from './use-i18n';

function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value]]
      : leaves(value as object, `${prefix}${key}.`),
  );
}

describe('i18n', () => {
  beforeEach(() => {
    localStorage.clear();
    setLocale('en');
  });

  it('has every English string in Bahasa Indonesia, none empty, with the same placeholders', () => {
    const id = new Map(leaves(messages.id));
    for (const [key, english] of leaves(messages.en)) {
      const indonesian = id.get(key);
      expect(indonesian, key).toBeTruthy();
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(indonesian!), key).toEqual(placeholders(english));
    }
  });

  it('remembers the language per user', () => {
    setLocale('id', 11);
    setLocale('en', 12);
    expect(t('nav.whatsapp')).toBe('WhatsApp numbers');

    restoreLocaleFor(11);
    expect(useI18n().locale.value).toBe('id');
    expect(t('nav.whatsapp')).toBe('Nomor WhatsApp');
    expect(document.documentElement.lang).toBe('id');
  });
});
