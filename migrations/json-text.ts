/**
 * Rewrites JSON text without changing anything but what a migration means to change.
 *
 * Blazz's JSON was written by PHP's json_encode (`\/` and `\u00e9` escapes), MySQL 8 returns its
 * own spaced form, other writers use the compact JS form. A migration that removes a few keys
 * re-encodes the rest in the style that reproduces the original text byte for byte; when no style
 * does (floats like `1.0`, integers beyond 2^53, numeric keys that JS reorders, duplicate keys),
 * the text cannot be rewritten safely and the caller must leave it alone.
 */

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const JSON_TEXT_STYLES = ['php', 'compact', 'spaced'] as const;
export type JsonTextStyle = (typeof JSON_TEXT_STYLES)[number];

export function encodeJson(value: JsonValue, style: JsonTextStyle): string {
  if (value === null || typeof value !== 'object') return encodeScalar(value, style);
  const comma = style === 'spaced' ? ', ' : ',';
  if (Array.isArray(value)) return `[${value.map((item) => encodeJson(item, style)).join(comma)}]`;
  const colon = style === 'spaced' ? ': ' : ':';
  const members = Object.entries(value).map(
    ([key, item]) => encodeScalar(key, style) + colon + encodeJson(item, style),
  );
  return `{${members.join(comma)}}`;
}

function encodeScalar(value: string | number | boolean | null, style: JsonTextStyle): string {
  const text = JSON.stringify(value);
  if (style !== 'php' || typeof value !== 'string') return text;
  // json_encode's defaults: escape "/" and every non-ASCII UTF-16 unit as \uXXXX (lower-case hex).
  return text
    .replace(/\//g, '\\/')
    .replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

/** Parses JSON text, or returns undefined when it is not valid JSON. */
export function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** The style whose encoding of the parsed value is exactly `text`, or null when none is. */
export function detectJsonStyle(text: string): JsonTextStyle | null {
  const value = parseJson(text);
  if (value === undefined) return null;
  return JSON_TEXT_STYLES.find((style) => encodeJson(value, style) === text) ?? null;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
