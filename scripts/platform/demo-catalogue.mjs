// The demo catalogue `npm start` schedules on an empty catalogue (demo.mjs): about forty upcoming events across ten
// cities and the six categories, as POST /api/events bodies. Every name is made up. The same day always gives the same
// catalogue (a seeded generator), so a screenshot or a bug report can be reproduced on that day.

/** Venues by kind; a category is played only in the kinds that suit it (no football match in a comedy cellar). */
const CITIES = [
  { city: 'London', country: 'GB', timeZone: 'Europe/London', clubs: ['Thames Rovers', 'Southwark Athletic'], venues: { arena: 'Riverside Arena', stadium: 'Docklands Stadium', theatre: 'Old Vicarage Theatre', club: 'Northbank Cellar', park: 'Marsh Lane Fields' } },
  { city: 'Manchester', country: 'GB', timeZone: 'Europe/London', clubs: ['Irwell Town', 'Ancoats United'], venues: { arena: 'Cottonworks Arena', stadium: 'Canal Street Ground', theatre: 'The Mill Playhouse', club: 'Redbrick Club', park: 'Hulme Meadows' } },
  { city: 'Amsterdam', country: 'NL', timeZone: 'Europe/Amsterdam', clubs: ['AFC Grachtenstad', 'Zuiderpark Amsterdam'], venues: { arena: 'Havenhal', stadium: 'Sportpark Oostwaard', theatre: 'Theater aan de Kade', club: 'De Kelder', park: 'Westerveld Park' } },
  { city: 'Berlin', country: 'DE', timeZone: 'Europe/Berlin', clubs: ['FC Spreeufer', 'Union Lichtenhain'], venues: { arena: 'Halle am Fluss', stadium: 'Stadion Nordkreuz', theatre: 'Kammerbühne Mitte', club: 'Keller 37', park: 'Tempelwiese' } },
  { city: 'Paris', country: 'FR', timeZone: 'Europe/Paris', clubs: ['Racing Canal Saint-Martin', 'AS Belleville'], venues: { arena: 'Salle des Quais', stadium: 'Stade de la Porte Verte', theatre: 'Théâtre des Lilas', club: 'Le Sous-Sol', park: 'Parc des Tilleuls' } },
  { city: 'Madrid', country: 'ES', timeZone: 'Europe/Madrid', clubs: ['Atlético Manzanares', 'Real Chamberí'], venues: { arena: 'Pabellón del Río', stadium: 'Estadio Puerta Norte', theatre: 'Teatro de la Luna', club: 'Sala Bodega', park: 'Jardines del Retiro Norte' } },
  { city: 'New York', country: 'US', timeZone: 'America/New_York', clubs: ['Hudson Harbors', 'Queens Comets'], venues: { arena: 'Pier Nine Arena', stadium: 'Bronxdale Field', theatre: 'Lantern Street Theater', club: 'The Basement on Bleecker', park: 'Riverbank Green' } },
  { city: 'Chicago', country: 'US', timeZone: 'America/Chicago', clubs: ['Lakeshore Gales', 'Southside Forge'], venues: { arena: 'Lakefront Arena', stadium: 'Midway Grounds', theatre: 'The Wabash Playhouse', club: 'The Loop Room', park: 'Prairie Lawn' } },
  { city: 'Tokyo', country: 'JP', timeZone: 'Asia/Tokyo', clubs: ['Sumida Swallows', 'Shinagawa Sparks'], venues: { arena: 'Bayside Hall Ariake', stadium: 'Koto Ward Stadium', theatre: 'Kagurazaka Stage', club: 'Shimokita Room', park: 'Kiba Riverside Park' } },
  { city: 'Sydney', country: 'AU', timeZone: 'Australia/Sydney', clubs: ['Harbourside FC', 'Parramatta Ravens'], venues: { arena: 'Darling Pier Arena', stadium: 'Moore Fields Stadium', theatre: 'The Quayhouse Theatre', club: 'Cellar on George', park: 'Eastern Parklands' } },
];

const KINDS = { concert: ['arena', 'club', 'theatre'], theatre: ['theatre'], comedy: ['club', 'theatre'], festival: ['park'], other: ['arena', 'park'] };
/** Evening local start times per category (festivals open in the late afternoon). */
const TIMES = { concert: ['19:00', '19:30', '20:00', '20:30'], sports: ['17:30', '19:45', '20:00'], theatre: ['19:00', '19:30'], comedy: ['20:00', '20:30', '21:00'], festival: ['16:00', '17:00'], other: ['18:00', '18:30', '19:00'] };
/** How many of the dated events each category gets: concerts most, as on a real marketplace. */
const WEIGHTS = { concert: 10, sports: 7, theatre: 7, comedy: 6, festival: 4, other: 4 };
export const CATEGORIES = Object.keys(WEIGHTS);

const ACTS = ['The Night Owls', 'Velvet Harbour', 'Paper Lanterns', 'Mira Solenne', 'Northern Static', 'The Copper Foxes', 'Lumen Drive', 'Saltwater Choir', 'Juno & the Tides', 'Glasshouse Kids', 'Orchid Machine', 'The Late Arrivals', 'Elsie Marlowe', 'Blue Meridian'];
const TOURS = ['Headline Show', 'Live', 'Farewell Tour', 'Unplugged', 'Album Release Show', 'Greatest Hits Night', 'Acoustic Evening', 'World Tour'];
const PLAYS = ['The Glass Orchard', "A Winter's Ledger", 'Salt and Stone', "The Lighthouse Keeper's Daughter", 'Midnight at the Grand Hotel', 'Paper Crowns', "The Clockmaker's Apprentice", 'Echoes of the Tide', 'An Inspector at the Door', 'Seven Small Rooms'];
const COMEDIANS = ['Maya Brookes: Overthinking It', 'Tom Fairweather: Small Talk', 'Priya Raman: Plus One', 'Jonas Weller: Lost in Translation', 'Dani Okafor: Still Unpacking', 'Lucie Moreau: Sans Filtre', 'Kenji Ito: Polite Chaos', 'Sam Calloway: Group Chat'];
/** Sports nights other than a fixture between the city's two clubs, with the kind of venue each needs. */
const SPORTS_NIGHTS = [['Fight Night: Title Defence', 'arena'], ['City Night Run', 'park'], ['Basketball Cup Final', 'arena'], ['Indoor Athletics Grand Prix', 'arena']];
const FESTIVALS = ['{city} Jazz Weekend', '{city} Food & Wine Festival', 'Lantern Lights Festival', '{city} Open Air', 'Sound of the City', 'Street Food & Sounds'];
const OTHERS = ['Vinyl & Vintage Fair', 'Night Market', 'Classic Car Show', 'Craft Beer Tasting', 'Science After Dark', 'Board Game Convention', 'Design & Makers Market'];

const POOLS = { theatre: PLAYS, comedy: COMEDIANS, festival: FESTIVALS, other: OTHERS };

const DAY_MS = 86_400_000;
const DATED_EVENTS = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
const SPREAD_DAYS = 90;
/** How far ahead to look for a daylight-saving change to schedule two nights across. */
const DST_HORIZON_DAYS = 180;

/** mulberry32: small, fast and the same on every machine, which is all a demo needs. */
export function generator(seedText) {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(instantMs, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(instantMs);
  const n = Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  return Date.UTC(n.year, n.month - 1, n.day, n.hour, n.minute, n.second) - Math.floor(instantMs / 1000) * 1000;
}

/** The UTC instant of an evening wall-clock time at the venue (evenings never fall in a daylight-saving gap). */
function venueTimeToUtc(dayMs, hhmm, timeZone) {
  const [hours, minutes] = hhmm.split(':').map(Number);
  const wall = dayMs + (hours * 60 + minutes) * 60_000;
  return new Date(wall - zoneOffsetMs(wall - zoneOffsetMs(wall, timeZone), timeZone));
}

/** The first day (UTC midnight) within the horizon on which one of the cities' zones changes its offset. */
function nextOffsetChange(firstDayMs) {
  const zones = [...new Set(CITIES.map((c) => c.timeZone))];
  for (let day = 2; day <= DST_HORIZON_DAYS; day++) {
    const dayMs = firstDayMs + day * DAY_MS;
    // Every change of these zones happens at night, local time: comparing noon UTC a day apart finds its date.
    const zone = zones.find((z) => zoneOffsetMs(dayMs + DAY_MS / 2, z) !== zoneOffsetMs(dayMs - DAY_MS / 2, z));
    if (zone) return { dayMs, city: CITIES.find((c) => c.timeZone === zone) };
  }
  return undefined;
}

function bodyOf({ name, category, city, kind, dayMs, time }) {
  return {
    name,
    category,
    venue: { name: city.venues[kind], city: city.city, country: city.country },
    timeZone: city.timeZone,
    startsAt: venueTimeToUtc(dayMs, time, city.timeZone).toISOString(),
  };
}

/**
 * The demo catalogue for the UTC day of `today` (a Date or an ISO string): POST /api/events bodies, soonest first.
 * Dated events are spread over the next 90 days, tomorrow at the earliest; one play runs the evening before and the
 * evening of the next daylight-saving change in one of the cities (within 180 days), so pages show both abbreviations.
 */
export function demoEvents(today = new Date()) {
  const day = new Date(today);
  const todayMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const random = generator(new Date(todayMs).toISOString().slice(0, 10));
  const pick = (list) => list[Math.floor(random() * list.length)];
  // Names are drawn without repeats while a pool lasts.
  const pools = Object.fromEntries(Object.entries({ ...POOLS, concert: ACTS, sports: SPORTS_NIGHTS }).map(([k, list]) => [k, shuffled(list, random)]));
  const draw = (category) => pools[category].pop();

  const change = nextOffsetChange(todayMs);
  const dated = DATED_EVENTS + (change ? 0 : 2);
  const categories = shuffled(CATEGORIES.flatMap((c) => Array(WEIGHTS[c]).fill(c)), random);
  while (categories.length < dated) categories.push(pick(CATEGORIES));
  // Day offsets evenly over the spread with some jitter, handed out in random order so no city owns a month.
  const days = shuffled(Array.from({ length: dated }, (_, i) => 1 + Math.floor(((i + random()) * (SPREAD_DAYS - 1)) / dated)), random);

  // Each event goes to a city with the fewest so far that has nothing of its category yet, so every city gets a mix.
  const perCity = new Map(CITIES.map((c) => [c, []]));
  const cityFor = (category) => {
    const fewest = Math.min(...[...perCity.values()].map((list) => list.length));
    const open = CITIES.filter((c) => perCity.get(c).length === fewest);
    const fresh = open.filter((c) => !perCity.get(c).includes(category));
    const city = pick(fresh.length ? fresh : open);
    perCity.get(city).push(category);
    return city;
  };
  const fixtures = new Set(); // one derby per city: its second sports night is another kind of night
  const events = categories.map((category, i) => {
    const city = cityFor(category);
    const at = { dayMs: todayMs + days[i] * DAY_MS, time: pick(TIMES[category]) };
    if (category === 'sports') {
      const [home, away] = shuffled(city.clubs, random);
      const night = fixtures.has(city) || random() < 0.3 ? draw('sports') : undefined;
      if (night) return bodyOf({ name: `${city.city} ${night[0]}`, category, city, kind: night[1], ...at });
      fixtures.add(city);
      return bodyOf({ name: `${home} vs ${away}`, category, city, kind: 'stadium', ...at });
    }
    const name = category === 'concert' ? `${draw('concert') ?? pick(ACTS)} — ${pick(TOURS)}` : (draw(category) ?? pick(POOLS[category])).replace('{city}', city.city);
    return bodyOf({ name, category, city, kind: pick(KINDS[category]), ...at });
  });

  if (change) {
    const play = draw('theatre') ?? pick(PLAYS);
    for (const dayMs of [change.dayMs - DAY_MS, change.dayMs]) events.push(bodyOf({ name: play, category: 'theatre', city: change.city, kind: 'theatre', dayMs, time: '19:30' }));
  }
  return events.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}
