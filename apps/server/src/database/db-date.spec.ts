import { dbDate, dbDateOrNull } from './db-date';

describe('dbDate', () => {
  it('reads SQLite UTC text as UTC, not local time', () => {
    expect(dbDate('2026-11-25 21:30:05.123').toISOString()).toBe('2026-11-25T21:30:05.123Z');
  });

  it('keeps Dates and zoned text as they are', () => {
    const at = new Date('2026-11-25T21:30:05.000Z');
    expect(dbDate(at)).toBe(at);
    expect(dbDate('2026-11-25T23:30:05+02:00').toISOString()).toBe('2026-11-25T21:30:05.000Z');
  });

  it('passes null through', () => {
    expect(dbDateOrNull(null)).toBeNull();
  });
});
