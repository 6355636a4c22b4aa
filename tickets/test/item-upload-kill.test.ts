import http from 'node:http';
import { createTestBus, createTestDatabase, launchService, serviceEnv, signedInUser, type ServiceOnPort, type TestBus, type TestDatabase } from '@ticketing/common/testing';
import { itemKeyEnv, ticketPdf } from './item-support';
import { seedEvent, type ListingBody } from './support';

// The real process (tickets/src/index.ts from source): SIGKILLed while a slow multipart upload is half sent, it stores
// nothing; after a restart the same upload succeeds and reads back byte for byte.

const ENTRY = 'tickets/src/index.ts';
let db: TestDatabase;
let testBus: TestBus;
const running: ServiceOnPort[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'tickets_kill'); // empty: the service migrates it at start-up
  testBus = await createTestBus();
});
afterAll(async () => {
  for (const r of running) await r.stop('SIGKILL');
  await testBus.cleanup();
  await db.drop();
});

async function launch(): Promise<ServiceOnPort> {
  const service = await launchService(ENTRY, { ...serviceEnv({ db, bus: testBus }), ...itemKeyEnv(), LOG_LEVEL: 'warn' });
  running.push(service);
  return service;
}

const seller = signedInUser();
const BOUNDARY = '----ticket-item-boundary';
function multipart(barcode: string, pdf: Buffer): { head: Buffer; body: Buffer; tail: Buffer } {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="barcode"\r\n\r\n${barcode}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="ticket.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  return { head, body: pdf, tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`) };
}

function openUpload(service: ServiceOnPort, ticketId: string, length: number): http.ClientRequest {
  const req = http.request(service.url(`/api/tickets/${ticketId}/item`), {
    method: 'PUT',
    headers: { Cookie: seller.cookie, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': length },
  });
  req.on('error', () => undefined); // the server dies under it: expected
  return req;
}

test('SIGKILL in the middle of a slow upload stores nothing; the same upload afterwards succeeds', async () => {
  let service = await launch();
  const eventId = await seedEvent(db.pool);
  const created = await fetch(service.url('/api/listings'), {
    method: 'POST',
    headers: { Cookie: seller.cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ eventId, section: 'Floor', seats: ['7'], price: 40, faceValue: 40, split: 'any', delivery: 'instant' }),
  });
  expect(created.status).toBe(201);
  const listing = (await created.json()) as ListingBody;
  const ticketId = listing.tickets[0]!.id;
  const pdf = await ticketPdf('KILL-0001', { padTo: 600_000 });
  const parts = multipart('KILL-0001', pdf);
  const length = parts.head.length + parts.body.length + parts.tail.length;

  // Half the file, in slow chunks, then the process is killed with the request still open.
  const slow = openUpload(service, ticketId, length);
  slow.write(parts.head);
  for (let sent = 0; sent < pdf.length / 2; sent += 50_000) {
    slow.write(pdf.subarray(sent, sent + 50_000));
    await new Promise((r) => setTimeout(r, 40));
  }
  expect((await service.stop('SIGKILL')).signal).toBe('SIGKILL');
  slow.destroy();

  const nothing = await db.pool.query(
    `SELECT (SELECT count(*)::int FROM ticket_items) AS items, (SELECT count(*)::int FROM tickets WHERE has_item OR item_fingerprint IS NOT NULL) AS marked,
            (SELECT status FROM listings WHERE id = $1) AS status, (SELECT count(*)::int FROM outbox WHERE payload->>'id' = $1::text) AS snapshots`,
    [listing.id],
  );
  expect(nothing.rows[0]).toEqual({ items: 0, marked: 0, status: 'pending', snapshots: 1 });

  service = await launch();
  const whole = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = openUpload(service, ticketId, length);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(Buffer.concat([parts.head, parts.body, parts.tail]));
  });
  expect(whole).toEqual({ status: 200, body: JSON.stringify({ id: ticketId, delivered: false, hasPdf: true }) });
  const back = await fetch(service.url(`/api/tickets/${ticketId}/item`), { headers: { Cookie: seller.cookie } });
  expect(back.status).toBe(200);
  expect(Buffer.compare(Buffer.from(await back.arrayBuffer()), pdf)).toBe(0);
  const listingNow = (await (await fetch(service.url(`/api/listings/${listing.id}`))).json()) as ListingBody;
  expect(listingNow.status).toBe('active');
  await service.stop('SIGTERM');
}, 120_000);
