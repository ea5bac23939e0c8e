/** Normalises a phone number typed by a person into E.164 (`+` and 8–15 digits), or null. */
export function toE164(input: string): string | null {
  const compact = input.replace(/[\s().-]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.replace(/^00/, '');
  return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
}
