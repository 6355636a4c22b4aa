import { timeZoneAbbreviation } from '@ticketing/common/time';

/**
 * The admin form's choices, worked out on the server and handed to the form as they are: the browser's own list of
 * zones or country names may differ from Node's, and a form rendered twice must read the same both times.
 */
export interface Option {
  value: string;
  label: string;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Codes CLDR names that are not countries (groupings, aliases, user-assigned), as the catalog refuses them. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'UK', 'FX', 'QO', 'ZZ', 'AA']);

let countries: Option[] | null = null;

export function countryOptions(): Option[] {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const found: Option[] = [];
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = a + b;
      if (NOT_COUNTRIES.has(code) || (a === 'X' && code !== 'XK') || (a === 'Q' && b >= 'M')) continue;
      const name = names.of(code);
      if (name && name !== code) found.push({ value: code, label: name });
    }
  }
  countries = found.sort((x, y) => x.label.localeCompare(y.label, 'en'));
  return countries;
}

/** Every IANA zone the runtime knows, with its abbreviation now ("Europe/London · GMT"), plus UTC and the event's own. */
export function timeZoneOptions(current?: string): Option[] {
  const now = new Date();
  // The list holds region zones only; UTC is a fine answer too (an online event, a broadcast).
  const zones = [...Intl.supportedValuesOf('timeZone')];
  for (const extra of ['UTC', current]) if (extra && !zones.includes(extra)) zones.push(extra);
  return zones.map((zone) => ({ value: zone, label: `${zone.replaceAll('_', ' ')} · ${timeZoneAbbreviation(now, zone)}` }));
}
