import type { Ref } from 'vue';
import { createI18n } from 'vue-i18n';
import { messages, type Locale, type Messages } from './messages';

/** Dotted paths to every string in {@link Messages}, e.g. `'login.submit'`. */
type PathsOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${PathsOf<T[K]>}`;
}[keyof T & string];
export type MessageKey = PathsOf<Messages>;
export type MessageParams = Record<string, string | number>;

export const LOCALES = Object.keys(messages) as Locale[];
/** The browser's last choice, for the login page before anyone has signed in. */
const LOCALE_KEY = 'switchboard.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as string[]).includes(value);
}

function readStored(): Locale | null {
  try {
    const value = localStorage.getItem(LOCALE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

function store(value: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, value);
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

/**
 * The one vue-i18n instance (Composition API). Its messages are the plain objects of
 * `messages.ts`, compiled on first use by vue-i18n's JIT compiler, which builds an AST and never
 * `eval`s, so a strict CSP holds. A key missing in a language falls back to English.
 */
export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: readStored() ?? browserLocale(),
  fallbackLocale: 'en',
  messages,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
});

const locale = i18n.global.locale as unknown as Ref<Locale>;

function apply(next: Locale): void {
  locale.value = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/**
 * Switches the language in this browser and remembers it as the browser's last choice. The
 * signed-in user's choice is kept on the server by the session store.
 */
export function setLocale(next: Locale): void {
  apply(next);
  store(next);
}

/**
 * Translate a key in the current locale; `{name}` placeholders are filled from `params`.
 * With `plural`, a message of the form `one | many` (or `zero | one | many`) picks its form.
 * Reads the reactive locale, so templates re-render when it changes; usable outside components
 * (router, API errors) as well.
 */
export function t(key: MessageKey, params?: MessageParams, plural?: number): string {
  const named = asText(params);
  return plural === undefined ? i18n.global.t(key, named) : i18n.global.t(key, named, plural);
}

/**
 * Placeholder values as text. vue-i18n treats a number named `n` or `count` as the plural choice
 * (overriding `plural`, as in "1 of 2 numbers") and shows the plural choice in place of a falsy
 * one (a count of 0); as text, each value is shown as given and `plural` alone picks the form.
 */
function asText(params: MessageParams | undefined): Record<string, string> {
  const named: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) named[name] = String(value);
  return named;
}

/** The shell's slice of vue-i18n's `useI18n()`: `t` typed by {@link MessageKey}, and `locale`. */
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
