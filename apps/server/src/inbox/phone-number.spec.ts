import { countryCallingCode } from '@switchboard/contracts';
import { toE164 } from './phone-number';

describe('toE164', () => {
  it.each([
    ['+62 812-3456-7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['0062 812 3456 7890', '+6281234567890'],
    ['(+1) 415.555.0100', '+14155550100'],
  ])('normalises %s', (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });

  it.each(['', '123', '+0812345678', 'abc12345678', '+1234567890123456'])('rejects %s', (input) => {
    expect(toE164(input)).toBeNull();
  });
});

describe('countryCallingCode', () => {
  it.each([
    ['+14155550100', '1'],
    ['+79161234567', '7'],
    ['+6281234567890', '62'],
    ['+447911123456', '44'],
    ['+353871234567', '353'],
    ['+97150123456', '971'],
    ['+2348031234567', '234'],
  ])('of %s is %s', (input, expected) => {
    expect(countryCallingCode(input)).toBe(expected);
  });

  it.each([null, '', '6281234567890', '+0812345678'])('is null for %s', (input) => {
    expect(countryCallingCode(input)).toBeNull();
  });
});
