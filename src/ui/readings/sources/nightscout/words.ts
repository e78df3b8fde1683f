/** Nightscout's typed errors in the patient's words: what went wrong, and what to change on the site. */
import type { Gap, NightscoutError } from '../../../../core/readings/nightscout-api.ts';
import type { Dictionary } from '../../../i18n/i18n.ts';

export function describeNightscoutError(t: Dictionary, error: NightscoutError): string {
  const words = t.nightscoutLive.errors;
  switch (error.type) {
    case 'NightscoutCorsBlocked':
      return words.NightscoutCorsBlocked;
    case 'NightscoutTimeout':
      return words.NightscoutTimeout(error.seconds);
    case 'NightscoutUnauthorized':
      return error.credential === 'token' ? words.unauthorizedToken : words.unauthorizedSecret;
    case 'NightscoutHttpStatus':
      return words.NightscoutHttpStatus(error.status);
    case 'NightscoutAddressInvalid':
    case 'NightscoutAddressInsecure':
    case 'NightscoutCredentialMissing':
    case 'NightscoutUnreachable':
    case 'NightscoutForbidden':
    case 'NightscoutNotFound':
    case 'NightscoutNotJson':
    case 'NightscoutMalformed':
    case 'NightscoutCancelled':
      return words[error.type];
  }
}

/** "6 h 5 min", "45 min", "12 j 3 h" (days are "d" in English). */
export function formatDuration(millis: number, language: string): string {
  const day = language === 'fr' ? 'j' : 'd';
  const minutes = Math.round(millis / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} ${day} ${hours} h` : `${days} ${day}`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}

export function longestGap(gaps: readonly Gap[]): Gap | null {
  let longest: Gap | null = null;
  for (const gap of gaps) if (longest === null || gap.to - gap.from > longest.to - longest.from) longest = gap;
  return longest;
}
