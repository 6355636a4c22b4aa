import request from 'supertest';
import { signedInUser, type TestDatabase } from '@ticketing/common/testing';
import { createOrdersTestDatabase, ordersTestApp, outboxEvents, seedListing } from './support';

/**
 * Fees are fixed in the order when it is created: a percentage of the whole subtotal (k × unit price), rounded half
 * up to the cent once per order and per fee (docs/services/orders.md "Fees").
 */

let db: TestDatabase;

beforeAll(async () => {
  db = await createOrdersTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

test.each([
  // unit cents, k, buyer %, seller %, buyer fee, seller fee, total cents
  [1005, 1, 10, 5, 101, 50, 1106], // 100.5 → 101 (half up); 50.25 → 50
  [333, 3, 10, 5, 100, 50, 1099], // on the subtotal 999: 99.9 → 100, 49.95 → 50
  [105, 3, 10, 5, 32, 16, 347], // once per order: 31.5 → 32 (per ticket it would be 3 × 11 = 33); 15.75 → 16
  [5, 1, 10, 5, 1, 0, 6], // 0.5 → 1; 0.25 → 0
  [4, 1, 10, 5, 0, 0, 4], // 0.4 → 0: a fee can be nothing
  [1004, 1, 12.5, 2.25, 126, 23, 1130], // 125.5 → 126; 22.59 → 23
  [2500, 4, 0, 0, 0, 0, 10000], // no fees configured
  [100000_00, 100, 10, 5, 100000_000, 50000_000, 1100000_000], // the largest order: 100 × 100,000.00, exact in cents
])('unit %i¢ × %i at %d%% / %d%%: buyer fee %i¢, seller fee %i¢, total %i¢', async (unit, k, buyerPct, sellerPct, buyerFee, sellerFee, total) => {
  const app = ordersTestApp(db.pool, { fees: { buyerFeePercent: buyerPct, sellerFeePercent: sellerPct }, fairHolds: { maxHeldTickets: 100 } });
  const listing = await seedListing(db.pool, { quantity: k, priceCents: unit });
  const res = await request(app).post('/api/orders').set('Cookie', signedInUser().cookie).send({ listingId: listing.id, quantity: k });
  expect(res.status).toBe(201);
  expect({ unitPrice: res.body.unitPrice, buyerFee: res.body.buyerFee, total: res.body.total }).toEqual({ unitPrice: unit / 100, buyerFee: buyerFee / 100, total: total / 100 });
  const [created] = await outboxEvents(db.pool, res.body.id);
  expect(created!.payload).toMatchObject({ quantity: k, unitPriceCents: unit, buyerFeeCents: buyerFee, sellerFeeCents: sellerFee, totalCents: total });
  const { rows } = await db.pool.query('SELECT buyer_fee_cents, seller_fee_cents, total_cents FROM orders WHERE id = $1', [res.body.id]);
  expect(rows[0]).toEqual({ buyer_fee_cents: buyerFee, seller_fee_cents: sellerFee, total_cents: total });
});

test('GET /api/orders/fees shows the configured rates', async () => {
  const app = ordersTestApp(db.pool, { fees: { buyerFeePercent: 12.5, sellerFeePercent: 2.25 } });
  expect((await request(app).get('/api/orders/fees')).body).toEqual({ buyerFeePercent: 12.5, sellerFeePercent: 2.25, rounding: 'half-up per order' });
});
