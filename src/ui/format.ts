/** Dates and sizes in the patient's language and time zone. */

/** The locale for dates: French as in France, English as in Britain (day before month, 24-hour clock). */
const dateLocale = (language: string) => (language === 'fr' ? 'fr-FR' : 'en-GB');

export function formatDate(millis: number, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { dateStyle: 'long', timeZone }).format(millis);
}

export function formatDateTime(millis: number, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(dateLocale(language), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(millis);
}

export function formatBytes(bytes: number, language: string): string {
  const units = language === 'fr' ? ['o', 'Ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
