/**
 * SUDEVWA clients write local numbers (`0812…`); wamux otherwise wants the international form.
 * A leading `00` is the international call prefix, a single leading `0` means "local", in the
 * country DEFAULT_COUNTRY_CODE names. Everything else (and JIDs) goes to the service unchanged,
 * which validates it for any country.
 */
export function toInternational(input: string, defaultCountryCode: string): string {
  const value = input.trim();
  if (value.includes('@') || value.startsWith('+')) return value;
  const compact = value.replace(/[\s\-().]/g, '');
  if (/^00\d/.test(compact)) return `+${compact.slice(2)}`;
  if (/^0\d/.test(compact)) return `+${defaultCountryCode}${compact.slice(1)}`;
  return value;
}
