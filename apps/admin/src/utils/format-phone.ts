/**
 * Country calling codes with two digits (ITU-T E.164 zones 2–9); 1 and 7 have one digit and
 * every other code has three.
 */
const TWO_DIGIT_CODES = new Set([
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

function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/**
 * An E.164 number as people read it: `+6281234567890` → `+62 812-3456-7890`. The national part
 * is an operator prefix of three digits, then groups of four counted from the end. Anything
 * that is not E.164 is returned as it is.
 */
export function formatPhone(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (!/^\d{7,15}$/.test(digits)) return e164;
  const ccLength = countryCodeLength(digits);
  const country = digits.slice(0, ccLength);
  const national = digits.slice(ccLength);
  const head = national.slice(0, 3);
  const rest = national.slice(3);
  const groups: string[] = [];
  for (let end = rest.length; end > 0; end -= 4)
    groups.unshift(rest.slice(Math.max(0, end - 4), end));
  // A lone digit in front reads badly: it joins the next group.
  if (groups.length > 1 && groups[0]!.length === 1) groups.splice(0, 2, groups[0]! + groups[1]!);
  return `+${country} ${[head, ...groups].filter(Boolean).join('-')}`;
}
