import { ref } from 'vue';
import { messages, type Locale, type Messages } from './messages';

/** Dotted paths to every string in {@link Messages}, e.g. `'login.submit'`. */
type PathsOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${PathsOf<T[K]>}`;
}[keyof T & string];
export type MessageKey = PathsOf<Messages>;
export type MessageParams = Record<string, string | number>;

export const LOCALES = Object.keys(messages) as Locale[];
const LOCALE_KEY = 'switchboard.locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as string[]).includes(value);
}

function readStored(key: string): Locale | null {
  try {
    const value = localStorage.getItem(key);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

function store(key: string, value: Locale): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // see readStored
  }
}

/** The browser's own language when it is one we have, else English. */
function browserLocale(): Locale {
  const languages = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const language of languages ?? []) {
    const base = language.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

const locale = ref<Locale>(readStored(LOCALE_KEY) ?? browserLocale());

function apply(next: Locale): void {
  locale.value = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/**
 * Switches the language, remembered for this user (and as the browser's last choice, for the
 * login page before anyone has signed in).
 */
export function setLocale(next: Locale, userId?: number | null): void {
  apply(next);
  store(LOCALE_KEY, next);
  if (userId != null) store(`${LOCALE_KEY}.${userId}`, next);
}

/** After sign-in: the language this user chose before, if they ever did. */
export function restoreLocaleFor(userId: number): void {
  const remembered = readStored(`${LOCALE_KEY}.${userId}`);
  if (remembered) apply(remembered);
}

function lookup(tree: unknown, key: string): string | undefined {
  let node = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * Translate a key in the current locale; `{name}` placeholders are filled from `params`.
 * With `plural`, a message of the form `one | many` (or `zero | one | many`) picks its form
 * the way vue-i18n's `t(key, named, plural)` does. Reads the reactive locale, so templates
 * re-render when it changes; usable outside components (router, API errors) as well.
 */
export function t(key: MessageKey, params?: MessageParams, plural?: number): string {
  let template = lookup(messages[locale.value], key) ?? lookup(messages.en, key) ?? key;
  if (plural !== undefined) template = pluralForm(template, plural);
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

function pluralForm(template: string, count: number): string {
  const forms = template.split('|').map((form) => form.trim());
  if (forms.length === 1) return template;
  const index = forms.length === 2 ? (count === 1 ? 0 : 1) : Math.min(Math.abs(count), 2);
  return forms[index] ?? template;
}

/** Same surface as vue-i18n's `useI18n()` for what the shell uses: `t` and `locale`. */
export function useI18n() {
  return { t, locale };
}

/** Dates as the current language writes them, e.g. "25 Nov 2026, 21:40". */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale.value === 'id' ? 'id-ID' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}
