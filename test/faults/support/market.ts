import { randomUUID } from 'node:crypto';
import { maxPriceCents, type DeliveryMethod, type SplitRule } from '@ticketing/common';
import { refusedField, type ApiClient, type User } from './client';

// The marketplace the workload trades in: an admin (named by auth's ADMIN_EMAILS) schedules a few events through
// catalog, sellers list several tickets for them (seats or general admission, every split rule), and buyers take k.

/** The admin the suite names in ADMIN_EMAILS for auth (scenario.ts), as scripts/platform/plan.mjs does for npm start. */
export const FAULTS_ADMIN_EMAIL = 'faults-admin@faults.test';
const PASSWORD = 'fault-tolerant-password';
/** Tickets' MAX_MARKUP_PERCENT default: prices stay under the cap, so a refusal means something else. */
const MARKUP_PERCENT = 20;
const SPLITS: SplitRule[] = ['any', 'even', 'all', 'no-single'];

export interface Listing {
  id: string;
  eventId: string;
  seller: User;
  quantity: number;
  split: SplitRule;
  faceValueCents: number;
  delivery: DeliveryMethod;
  /** Its tickets, as the seller's listing page shows them (ids to attach items to). */
  tickets: { id: string; seat: string | null }[];
  /** Sold out or withdrawn: nothing will be on sale again. */
  closed: boolean;
  /** Withdrawn by its seller (its tickets' barcodes may leave the set of barcodes on sale). */
  withdrawn: boolean;
}

const randomInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function signUp(api: ApiClient, email = `faults-${randomUUID().slice(0, 12)}@example.test`): Promise<(User & { roles: string[] }) | undefined> {
  const res = await api.call('auth', 'POST', '/api/users/signup', '/api/users/signup', { body: { email, password: PASSWORD } });
  if (res?.status !== 201) return undefined;
  const cookie = res.setCookie.map((c) => c.split(';')[0]).join('; ');
  const body = res.body as { id: string; roles?: string[] };
  return { id: body.id, cookie, roles: body.roles ?? [] };
}

/**
 * Schedules `count` events a month ahead as the admin, then one event starting at each of `soon` (deadlines of `later`
 * delivery that fall inside the run); resolves with their ids in that order (retrying through replica kills).
 */
export async function scheduleEvents(api: ApiClient, count: number, soon: Date[] = []): Promise<string[]> {
  let admin: Awaited<ReturnType<typeof signUp>>;
  for (let attempt = 0; attempt < 10 && !admin; attempt++) admin = await signUp(api, FAULTS_ADMIN_EMAIL);
  if (!admin) throw new Error(`the workload could not sign up its admin ${FAULTS_ADMIN_EMAIL}; is auth up?`);
  if (!admin.roles.includes('admin')) throw new Error(`${FAULTS_ADMIN_EMAIL} is not an admin: auth's ADMIN_EMAILS must name it`);
  const ids: string[] = [];
  const total = count + soon.length;
  for (let i = 0; ids.length < total && i < total * 5; i++) {
    const startsAt = (ids.length < count ? new Date(Date.now() + (30 + ids.length) * 86_400_000) : soon[ids.length - count]!).toISOString();
    const body = {
      name: `Faults night ${ids.length + 1} ${randomUUID().slice(0, 4)}`,
      category: 'concert',
      venue: { name: 'Crash Test Hall', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      startsAt,
    };
    const res = await api.call('catalog', 'POST', '/api/events', '/api/events', { user: admin, body });
    if (res?.status === 201) ids.push((res.body as { id: string }).id);
    else if (res?.status === 400) throw new Error(`POST /api/events refused the workload's event: ${JSON.stringify(res.body)}`);
  }
  if (ids.length < total) throw new Error(`the workload scheduled ${ids.length} of ${total} events; is catalog up?`);
  return ids;
}

/** A listing body (`single`: one general-admission ticket): 1–8 tickets (seats 60 % of the time, else general admission), any split rule, a price under the cap. */
export function listingBody(eventId: string, delivery: DeliveryMethod, single = false): { body: Record<string, unknown>; quantity: number; split: SplitRule; faceValueCents: number } {
  const split = single ? 'any' : pick(SPLITS);
  let quantity = single ? 1 : randomInt(1, 8);
  if (split === 'even' && quantity % 2) quantity = quantity === 8 ? 8 : quantity + 1; // an odd pair listing is refused
  const faceValueCents = randomInt(2_000, 20_000);
  const priceCents = randomPriceCents(faceValueCents);
  const seated = !single && Math.random() < 0.6;
  const first = randomInt(1, 30);
  const body = {
    eventId,
    section: seated ? `Block ${randomInt(100, 540)}` : 'General admission',
    ...(seated ? { row: String.fromCharCode(65 + randomInt(0, 20)), seats: Array.from({ length: quantity }, (_, i) => String(first + i)) } : { quantity }),
    price: priceCents / 100,
    faceValue: faceValueCents / 100,
    split,
    delivery,
  };
  return { body, quantity, split, faceValueCents };
}

/** From 70 % of face value up to the markup cap, cents included. */
export function randomPriceCents(faceValueCents: number): number {
  const cap = maxPriceCents(faceValueCents, MARKUP_PERCENT) ?? faceValueCents;
  return randomInt(Math.floor(faceValueCents * 0.7), cap);
}

/**
 * POST /api/listings; an event scheduled moments ago reaches tickets' replica of the catalogue through event.scheduled,
 * and until then tickets refuses it (400 field eventId), so that one refusal is retried for up to `waitMs`.
 */
export async function createListing(api: ApiClient, seller: User, eventId: string, waitMs: number, delivery: DeliveryMethod, single = false): Promise<Listing | undefined> {
  const { body, quantity, split, faceValueCents } = listingBody(eventId, delivery, single);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const res = await api.call('tickets', 'POST', '/api/listings', '/api/listings', { user: seller, body });
    if (res?.status === 201) {
      const created = res.body as { id: string; tickets: { id: string; seat: string | null }[] };
      const tickets = created.tickets.map((t) => ({ id: t.id, seat: t.seat }));
      return { id: created.id, eventId, seller, quantity, split, faceValueCents, delivery, tickets, closed: false, withdrawn: false };
    }
    if (!(res?.status === 400 && refusedField(res) === 'eventId') || Date.now() > deadline) return undefined;
    await sleep(250);
  }
}
