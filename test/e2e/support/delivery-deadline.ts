// Support for ../delivery-deadline.test.ts: the requests of the delivery flow (an event at a chosen time, a `later`
// listing, paying with a test card, uploading and reading a ticket's item) on top of hold-expiry's ApiUser, and a
// read-only look into a platform service's database for what has no API yet (refunds, payouts).
import pg from 'pg';
import { TEST_POSTGRES_URL } from '@ticketing/common/testing';
import { sleep, type ApiResponse, type ApiUser, type Listing, type Order } from './hold-expiry';

export interface DeliveredOrder extends Order {
  reason: string | null;
  delivery: { status: 'pending' | 'delivered'; deadline: string | null; deliveredAt: string | null };
}

/** As an admin: an event starting at `startsAt`, through catalog. */
export async function scheduleEventAt(admin: ApiUser, name: string, startsAt: Date): Promise<string> {
  const res = await admin.request<{ id: string }>('POST', '/api/events', {
    name,
    category: 'concert',
    venue: { name: 'Deadline Hall', city: 'Leeds', country: 'GB' },
    timeZone: 'Europe/London',
    startsAt: startsAt.toISOString(),
  });
  if (res.status !== 201) throw new Error(`POST /api/events answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** POST /api/listings of numbered seats delivered `later`, retried while tickets does not know the event yet. */
export async function listLater(seller: ApiUser, eventId: string, seats: string[], price: number, timeoutMs = 15_000): Promise<Listing> {
  const body = { eventId, section: 'Stalls', row: 'D', seats, price, faceValue: price, split: 'any', delivery: 'later' };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await seller.request<Listing & { errors?: { field?: string }[] }>('POST', '/api/listings', body);
    if (res.status === 201) return res.body;
    const unknownEvent = res.status === 400 && res.body.errors?.some((e) => e.field === 'eventId');
    if (!unknownEvent || Date.now() > deadline) throw new Error(`POST /api/listings answered ${res.status}: ${JSON.stringify(res.body)}`);
    await sleep(100);
  }
}

/** POST /api/payments with tok_visa, retried while payments' replica does not know the order yet (404). */
export async function payOnceKnown(buyer: ApiUser, orderId: string, timeoutMs = 15_000): Promise<ApiResponse<{ id: string; amount: number; status: string }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await buyer.request<{ id: string; amount: number; status: string }>('POST', '/api/payments', { orderId, token: 'tok_visa' });
    if (res.status !== 404 || Date.now() > deadline) return res;
    await sleep(100);
  }
}

/** Reads the buyer's order until `done` holds; throws with the last reading after `timeoutMs`. */
export async function waitForOrder(buyer: ApiUser, orderId: string, done: (o: DeliveredOrder) => boolean, timeoutMs = 20_000): Promise<DeliveredOrder> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await buyer.request<DeliveredOrder>('GET', `/api/orders/${orderId}`);
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`order ${orderId} never reached the awaited state; last: ${res.status} ${JSON.stringify(res.body)}`);
    await sleep(200);
  }
}

/** A barcode as tickets compares them: spaces and dashes removed, upper case. */
export const normalisedBarcode = (barcode: string) => barcode.replace(/[\s-]/g, '').toUpperCase();

/** Runs one query on a platform service's own database (read-only use: what the API does not show yet). */
export async function queryServiceDatabase<T extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
