/**
 * A datetime read with a raw query: MySQL hands back a Date, SQLite the stored UTC text
 * (`YYYY-MM-DD HH:MM:SS.SSS`, no zone), which `new Date()` would take for local time.
 */
export function dbDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const text = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/([zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
}

export function dbDateOrNull(value: Date | string | null | undefined): Date | null {
  return value === null || value === undefined ? null : dbDate(value);
}
