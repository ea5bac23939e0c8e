import { countryCallingCode } from '@switchboard/contracts';

/**
 * An E.164 number as people read it: `+6281234567890` → `+62 812-3456-7890`. The national part
 * is an operator prefix of three digits, then groups of four counted from the end. Anything
 * that is not E.164 is returned as it is.
 */
export function formatPhone(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (!/^\d{7,15}$/.test(digits)) return e164;
  const country = countryCallingCode(`+${digits}`);
  if (!country) return e164;
  const national = digits.slice(country.length);
  const head = national.slice(0, 3);
  const rest = national.slice(3);
  const groups: string[] = [];
  for (let end = rest.length; end > 0; end -= 4)
    groups.unshift(rest.slice(Math.max(0, end - 4), end));
  // A lone digit in front reads badly: it joins the next group.
  if (groups.length > 1 && groups[0]!.length === 1) groups.splice(0, 2, groups[0]! + groups[1]!);
  return `+${country} ${[head, ...groups].filter(Boolean).join('-')}`;
}
