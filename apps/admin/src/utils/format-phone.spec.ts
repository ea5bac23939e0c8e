import { describe, expect, it } from 'vitest';
import { formatPhone } from './format-phone';

describe('formatPhone', () => {
  it.each([
    ['+6281234567890', '+62 812-3456-7890'],
    ['+628123456789', '+62 812-345-6789'],
    ['+14155550123', '+1 415-555-0123'],
    ['+447911123456', '+44 791-112-3456'],
    ['+35312345678', '+353 123-45678'],
  ])('%s → %s', (input, expected) => {
    expect(formatPhone(input)).toBe(expected);
  });

  it('returns what is not E.164 as it is', () => {
    expect(formatPhone('not a phone')).toBe('not a phone');
    expect(formatPhone('+12')).toBe('+12');
  });
});
