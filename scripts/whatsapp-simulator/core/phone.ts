/** Phone-number helpers for the simulator's idea of WhatsApp identities. */

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** E.164 allows up to 15 digits; anything shorter than 8 cannot be a full international number. */
export function isPlausibleNumber(digits: string): boolean {
  return /^[1-9]\d{7,14}$/.test(digits);
}

/**
 * The wa_id Meta returns can differ from the number that was sent (§2.1): Brazilian mobiles
 * registered before the ninth digit was added keep their 12-digit id, and Mexican mobiles carry the
 * legacy "1" after the country code. The simulator applies both rewrites deterministically, so a
 * client that maps statuses by `to` instead of by wamid fails here as it would in production.
 */
export function canonicalWaId(digits: string): string {
  if (digits.length === 13 && digits.startsWith('55') && digits.charAt(4) === '9') {
    return digits.slice(0, 4) + digits.slice(5);
  }
  if (digits.length === 12 && digits.startsWith('52')) return `521${digits.slice(2)}`;
  return digits;
}

const CALLING_CODES: ReadonlyArray<readonly [string, string]> = [
  ['351', 'PT'], ['234', 'NG'], ['254', 'KE'], ['971', 'AE'], ['353', 'IE'],
  ['55', 'BR'], ['52', 'MX'], ['54', 'AR'], ['57', 'CO'], ['56', 'CL'], ['51', 'PE'],
  ['34', 'ES'], ['33', 'FR'], ['39', 'IT'], ['44', 'GB'], ['49', 'DE'], ['31', 'NL'],
  ['91', 'IN'], ['62', 'ID'], ['27', 'ZA'], ['20', 'EG'], ['81', 'JP'], ['61', 'AU'],
  ['1', 'US'], ['7', 'RU'],
];

/** ISO country used as the prefix of business-scoped user ids (`US.1349...`). */
export function countryOf(digits: string): string {
  for (const [code, iso] of CALLING_CODES) if (digits.startsWith(code)) return iso;
  return 'US';
}
