// Phone numbers as the server's inbox search and the admin's display both read them.

/** ITU-T E.164 country calling codes of one and two digits; every other code has three. */
const SHORT_CALLING_CODES = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

/** The country calling code of an E.164 number (`+6281…` → `62`), or null for no such number. */
export function countryCallingCode(e164: string | null): string | null {
  const digits = e164 && /^\+[1-9]\d{3,14}$/.test(e164) ? e164.slice(1) : null;
  if (!digits) return null;
  for (const length of [1, 2]) {
    if (SHORT_CALLING_CODES.has(digits.slice(0, length))) return digits.slice(0, length);
  }
  return digits.slice(0, 3);
}
