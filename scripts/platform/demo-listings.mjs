// The demo listings `npm start` adds to the demo catalogue (demo.mjs): a demo seller offers tickets for most upcoming
// events, as a newcomer would find them on a real marketplace: numbered seats in stadiums and theatres, general
// admission at festivals and clubs, 1–8 tickets, every split rule, prices around face value and never over the cap.
// About half deliver at once (`instant`: the demo attaches a barcode to every ticket, so a buyer sees the ticket's code
// the moment they pay), the rest later. The same events always get the same listings (seeded by the event's id).
import { generator } from './demo-catalogue.mjs';

/** Where the tickets are, by category: numbered sections (rows and seats) or unnumbered areas. */
const PLACES = {
  sports: { numbered: ['Block 112', 'Block 215', 'Block 512', 'East Stand Lower', 'West Stand Upper'], unnumbered: ['Standing terrace'] },
  concert: { numbered: ['Block A3', 'Block C7', 'Balcony', 'Lower Tier 104'], unnumbered: ['Floor standing', 'General admission'] },
  theatre: { numbered: ['Stalls', 'Dress Circle', 'Upper Circle', 'Grand Circle'], unnumbered: [] },
  comedy: { numbered: ['Stalls', 'Balcony'], unnumbered: ['Unreserved seating'] },
  festival: { numbered: [], unnumbered: ['General admission', 'Weekend pass', 'Day ticket (Saturday)'] },
  other: { numbered: [], unnumbered: ['Entry', 'Early entry'] },
};

/** Face values per ticket in whole currency units, by category: [lowest, highest]. */
const FACE_VALUES = { sports: [45, 120], concert: [35, 150], theatre: [40, 110], comedy: [20, 45], festival: [80, 220], other: [12, 30] };

const ROWS = 'ABCDEFGHJKLMNPR';

/** One event in five has no listing yet, so the pages also show what an event without tickets looks like. */
const WITHOUT_LISTINGS = 5;

const cents = (amount) => Math.round(amount * 100);

/** The highest price the cap allows (the tickets service's rule, in cents); null percent = no cap. */
function capCents(faceValueCents, maxMarkupPercent) {
  if (maxMarkupPercent === null || maxMarkupPercent === undefined) return null;
  return faceValueCents + Math.floor((faceValueCents * Math.round(maxMarkupPercent * 100)) / 10_000);
}

/** A split rule that suits the count: pairs only for an even count, "all together" only for a few tickets. */
function splitFor(count, random) {
  const roll = random();
  if (count >= 2 && count % 2 === 0 && roll < 0.3) return 'even';
  if (count >= 3 && roll < 0.55) return 'no-single';
  if (count >= 2 && count <= 4 && roll < 0.65) return 'all';
  return 'any';
}

function listingFor(event, random, maxMarkupPercent) {
  const places = PLACES[event.category] ?? PLACES.other;
  const numbered = places.numbered.length > 0 && (places.unnumbered.length === 0 || random() < 0.7);
  const count = 1 + Math.floor(random() * 8);
  const [low, high] = FACE_VALUES[event.category] ?? FACE_VALUES.other;
  const faceValueCents = cents(Math.round(low + random() * (high - low)));
  // Most resellers ask a little over or under face value; a few ask the cap.
  const wantedCents = Math.round((faceValueCents * (0.85 + random() * 0.4)) / 50) * 50;
  const cap = capCents(faceValueCents, maxMarkupPercent);
  const priceCents = Math.max(100, cap === null ? wantedCents : Math.min(wantedCents, cap));
  const body = {
    eventId: event.id,
    section: numbered ? places.numbered[Math.floor(random() * places.numbered.length)] : places.unnumbered[Math.floor(random() * places.unnumbered.length)],
    price: priceCents / 100,
    faceValue: faceValueCents / 100,
    split: splitFor(count, random),
    delivery: 'later',
  };
  if (random() < 0.5) body.delivery = 'instant';
  if (numbered) {
    const first = 1 + Math.floor(random() * 30);
    body.row = ROWS[Math.floor(random() * ROWS.length)];
    body.seats = Array.from({ length: count }, (_, i) => String(first + i));
  } else {
    body.quantity = count;
  }
  return body;
}

/**
 * POST /api/listings bodies for the given events (as GET /api/events answers them): one to three listings for four
 * events in five, within the cap `maxMarkupPercent` (null: none).
 */
export function demoListings(events, maxMarkupPercent) {
  const bodies = [];
  for (const event of events) {
    const random = generator(event.id);
    if (Math.floor(random() * WITHOUT_LISTINGS) === 0) continue;
    const listings = 1 + Math.floor(random() * 3);
    for (let i = 0; i < listings; i++) bodies.push(listingFor(event, random, maxMarkupPercent));
  }
  return bodies;
}
