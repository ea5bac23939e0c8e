import { ref } from 'vue';
import { messages, type Locale, type Messages } from './messages';

/** Dotted paths to every string in {@link Messages}, e.g. `'login.submit'`. */
type PathsOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${PathsOf<T[K]>}`;
}[keyof T & string];
export type MessageKey = PathsOf<Messages>;
export type MessageParams = Record<string, string | number>;

const locale = ref<Locale>('en');

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
