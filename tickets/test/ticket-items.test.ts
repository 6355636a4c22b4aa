import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { listingChangedSchema } from '@ticketing/common';
import { signedInUser, type TestUser } from '@ticketing/common/testing';
import { binaryBody, newBarcode, ticketPdf } from './item-support';
import { createListingAs, outboxRows, seedEvent, ticketsAppForFile, type ListingBody } from './support';

// PUT/GET /api/tickets/:id/item through the app on a real database (no bus: routes only write the outbox).

const file = ticketsAppForFile();
const app = (): Express => file.app;
const pool = () => file.db.pool;
const seller = signedInUser();
let eventId: string;
beforeEach(async () => {
  eventId = await seedEvent(pool());
});

const newListing = (user: TestUser = seller, more: Record<string, unknown> = {}) =>
  createListingAs(app(), user, { eventId, seats: ['11', '12'], price: 50, faceValue: 50, ...more });

const putPdf = (ticketId: string, user: TestUser, pdf: Buffer, barcode: string, name = 'ticket.pdf', contentType = 'application/pdf') =>
  request(app()).put(`/api/tickets/${ticketId}/item`).set('Cookie', user.cookie).field('barcode', barcode).attach('file', pdf, { filename: name, contentType });
const putBarcode = (ticketId: string, user: TestUser, barcode: unknown) =>
  request(app()).put(`/api/tickets/${ticketId}/item`).set('Cookie', user.cookie).send({ barcode });
const getItem = (ticketId: string, user: TestUser, query = '') =>
  request(app()).get(`/api/tickets/${ticketId}/item${query}`).set('Cookie', user.cookie).set('User-Agent', 'door-scanner/1.0').buffer(true).parse(binaryBody);

const json = (body: Buffer) => JSON.parse(body.toString('utf8')) as Record<string, unknown>;

async function stored(): Promise<{ items: number; withItem: number; reads: number }> {
  const { rows } = await pool().query(
    `SELECT (SELECT count(*)::int FROM ticket_items) AS items, (SELECT count(*)::int FROM tickets WHERE has_item OR item_fingerprint IS NOT NULL) AS "withItem",
            (SELECT count(*)::int FROM item_reads) AS reads`,
  );
  return rows[0];
}

describe('PUT and GET /api/tickets/:id/item', () => {
  test('a PDF with its barcode: 200 {id, delivered, hasPdf}; the seller downloads the same bytes, no-store; ?format=json; every read recorded', async () => {
    const l = await newListing();
    const ticket = l.tickets[0]!;
    const pdf = await ticketPdf('ABC-123-456');
    const put = await putPdf(ticket.id, seller, pdf, '  abc 123-456 ').expect(200);
    expect(put.body).toEqual({ id: ticket.id, delivered: false, hasPdf: true });

    const got = await getItem(ticket.id, seller).expect(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe('attachment; filename="ticket-11.pdf"');
    expect(got.headers['cache-control']).toBe('private, no-store');
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);

    const asJson = await getItem(ticket.id, seller, '?format=json').expect(200);
    expect(asJson.headers['cache-control']).toBe('private, no-store');
    expect(json(asJson.body as Buffer)).toEqual({ barcode: 'abc 123-456', hasPdf: true });

    const { rows } = await pool().query('SELECT ticket_id, reader_id, role, ip, user_agent FROM item_reads ORDER BY id');
    expect(rows).toEqual([
      { ticket_id: ticket.id, reader_id: seller.id, role: 'seller', ip: expect.any(String), user_agent: 'door-scanner/1.0' },
      { ticket_id: ticket.id, reader_id: seller.id, role: 'seller', ip: expect.any(String), user_agent: 'door-scanner/1.0' },
    ]);

    const view = await request(app()).get(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(200);
    expect(view.body.tickets).toEqual([
      { id: ticket.id, seat: '11', status: 'available', delivered: false, hasItem: true, deliveryDeadline: null },
      { id: l.tickets[1]!.id, seat: '12', status: 'available', delivered: false, hasItem: false, deliveryDeadline: null },
    ]);
    // A later listing's item changes no listing state: no new version, no event.
    expect((await outboxRows(pool())).length).toBe(1);
  });

  test('a barcode alone (JSON) answers {barcode}; an item can be replaced (same barcode on the same ticket is no duplicate)', async () => {
    const l = await newListing();
    const id = l.tickets[1]!.id;
    expect((await putBarcode(id, seller, 'QR-0001-XYZ').expect(200)).body).toEqual({ id, delivered: false, hasPdf: false });
    expect(json((await getItem(id, seller).expect(200)).body as Buffer)).toEqual({ barcode: 'QR-0001-XYZ' });
    await putBarcode(id, seller, 'qr 0001 xyz').expect(200);
    await putPdf(id, seller, await ticketPdf('X'), 'QR-0002-XYZ').expect(200);
    expect(json((await getItem(id, seller, '?format=json').expect(200)).body as Buffer)).toEqual({ barcode: 'QR-0002-XYZ', hasPdf: true });
    expect((await stored()).items).toBe(1);
  });

  test('401 signed out, 403 someone else’s ticket (upload and read), 404 unknown or not a UUID; nothing stored', async () => {
    const l = await newListing();
    const id = l.tickets[0]!.id;
    const stranger = signedInUser();
    await request(app()).put(`/api/tickets/${id}/item`).send({ barcode: 'ABCD-1234' }).expect(401);
    await request(app()).get(`/api/tickets/${id}/item`).expect(401);
    const forbidden = await putPdf(id, stranger, await ticketPdf('A'), 'ABCD-1234').expect(403);
    expect(forbidden.body.errors[0].message).toMatch(/Only the seller/);
    await putBarcode(id, stranger, 'ABCD-1234').expect(403);
    await putBarcode(randomUUID(), seller, 'ABCD-1234').expect(404);
    await putBarcode('not-a-uuid', seller, 'ABCD-1234').expect(404);
    expect(await stored()).toEqual({ items: 0, withItem: 0, reads: 0 });

    await putBarcode(id, seller, 'ABCD-1234').expect(200);
    await getItem(id, stranger).expect(403);
    await getItem(randomUUID(), seller).expect(404);
    await getItem(l.tickets[1]!.id, seller).expect(404); // no item yet
    expect((await stored()).reads).toBe(0);
  });

  test('bad input → 4xx naming the field, nothing stored', async () => {
    const l = await newListing();
    const id = l.tickets[0]!.id;
    const pdf = await ticketPdf('BAD-INPUT-1');
    const notPdf = Buffer.from('<html><body>this is not a pdf at all, whatever its name says</body></html>'.repeat(20));
    const expect400 = async (res: request.Test, field: string) => {
      const r = await res.expect(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ field })]);
    };
    await expect400(putPdf(id, seller, notPdf, 'GOOD-BARCODE-1', 'ticket.pdf', 'application/pdf'), 'file');
    await expect400(putPdf(id, seller, pdf.subarray(0, Math.floor(pdf.length / 2)), 'GOOD-BARCODE-1'), 'file');
    await expect400(putPdf(id, seller, pdf.subarray(0, pdf.length - 40), 'GOOD-BARCODE-1'), 'file'); // cut before %%EOF
    await expect400(putPdf(id, seller, Buffer.from('%PDF-1.7\n%%EOF\n'), 'GOOD-BARCODE-1'), 'file');
    for (const barcode of ['', '   ', 'abc', '----', ' - - ', 'x'.repeat(129), 'ÄBC-1234', 'ABC_1234', 'ABC\n1234', '<script>']) {
      await expect400(putBarcode(id, seller, barcode), 'barcode');
      await expect400(putPdf(id, seller, pdf, barcode), 'barcode');
    }
    await expect400(putBarcode(id, seller, 12345678), 'barcode');
    await expect400(request(app()).put(`/api/tickets/${id}/item`).set('Cookie', seller.cookie).send({}), 'barcode');
    // Two files, or a file under another name.
    await request(app()).put(`/api/tickets/${id}/item`).set('Cookie', seller.cookie).field('barcode', 'GOOD-1234').attach('file', pdf, 'a.pdf').attach('file', pdf, 'b.pdf').expect(400);
    await request(app()).put(`/api/tickets/${id}/item`).set('Cookie', seller.cookie).field('barcode', 'GOOD-1234').attach('pdf', pdf, 'a.pdf').expect(400);
    await request(app()).put(`/api/tickets/${id}/item`).set('Cookie', seller.cookie).set('Content-Type', 'text/plain').send('GOOD-1234').expect(415);
    expect(await stored()).toEqual({ items: 0, withItem: 0, reads: 0 });
  });

  test('2 MB + 1 byte → 413, nothing stored; a PDF just under 2 MB is taken', async () => {
    const l = await newListing();
    const id = l.tickets[0]!.id;
    const tooLarge = Buffer.alloc(2 * 1024 * 1024 + 1, 0x41);
    tooLarge.write('%PDF-1.7\n', 0);
    const res = await putPdf(id, seller, tooLarge, 'LARGE-0001').catch((err: { response?: request.Response }) => err.response);
    expect(res?.status).toBe(413);
    expect(await stored()).toEqual({ items: 0, withItem: 0, reads: 0 });

    const big = await ticketPdf('LARGE-0002', { padTo: 2 * 1024 * 1024 - 4096 });
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024 - 16_384);
    expect(big.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    await putPdf(id, seller, big, 'LARGE-0002').expect(200);
    expect(Buffer.compare((await getItem(id, seller).expect(200)).body as Buffer, big)).toBe(0);
  });

  test('409 for a withdrawn ticket; nothing stored', async () => {
    const l = await newListing();
    await request(app()).delete(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(204);
    const res = await putBarcode(l.tickets[0]!.id, seller, 'WITHDRAWN-1').expect(409);
    expect(res.body.errors[0].message).toMatch(/withdrawn/);
    expect(await stored()).toEqual({ items: 0, withItem: 0, reads: 0 });
  });
});

describe('at rest', () => {
  test('the database’s bytes (whole rows, and the table files on disk) contain neither the barcode nor the PDF', async () => {
    const l = await newListing();
    const barcode = `SECRET-${randomUUID().slice(0, 8).toUpperCase()}`;
    const pdf = await ticketPdf(barcode, { padTo: 40_000 });
    await putPdf(l.tickets[0]!.id, seller, pdf, barcode).expect(200);
    await putBarcode(l.tickets[1]!.id, seller, `${barcode}-2`).expect(200);

    const needles = [barcode, barcode.replace(/-/g, ''), `${barcode}-2`].map((s) => Buffer.from(s, 'latin1'));
    const pdfSlices = [pdf.subarray(0, 48), pdf.subarray(20_000, 20_048), pdf.subarray(pdf.length - 48)];
    const { rows } = await pool().query(
      `SELECT (SELECT string_agg(i::text, '') FROM ticket_items i) AS items, (SELECT string_agg(t::text, '') FROM tickets t) AS tickets,
              (SELECT string_agg(ciphertext, ''::bytea) FROM ticket_items) AS ciphertexts`,
    );
    const rowText = Buffer.from(`${rows[0].items}${rows[0].tickets}`, 'latin1');
    const ciphertexts = rows[0].ciphertexts as Buffer;
    for (const n of needles) {
      expect(rowText.includes(n)).toBe(false);
      expect(rowText.includes(Buffer.from(n.toString('hex')))).toBe(false); // bytea prints as hex
      expect(ciphertexts.includes(n)).toBe(false);
    }
    for (const s of pdfSlices) expect(ciphertexts.includes(s)).toBe(false);

    // The files PostgreSQL writes: the heap and TOAST of ticket_items, and tickets', after a checkpoint flushed them.
    await pool().query('CHECKPOINT');
    const files = await pool().query<{ bytes: Buffer }>(
      `SELECT pg_read_binary_file(pg_relation_filepath(c.oid)) AS bytes FROM pg_class c
        WHERE c.oid IN ('ticket_items'::regclass, 'tickets'::regclass, (SELECT reltoastrelid FROM pg_class WHERE oid = 'ticket_items'::regclass))`,
    );
    expect(files.rows).toHaveLength(3);
    const onDisk = Buffer.concat(files.rows.map((r) => r.bytes));
    expect(onDisk.length).toBeGreaterThan(40_000); // the sealed PDF is in there
    for (const n of needles) expect(onDisk.includes(n)).toBe(false);
    for (const s of pdfSlices) expect(onDisk.includes(s)).toBe(false);
  });
});

describe('one barcode, one sale', () => {
  test('two sellers attach one barcode at once, 20 rounds: exactly one wins each, the loser gets 409 and a fraud signal', async () => {
    const rival = signedInUser();
    const mine = await createListingAs(app(), seller, { eventId, seats: undefined, quantity: 20, price: 50, faceValue: 50 });
    const theirs = await createListingAs(app(), rival, { eventId, seats: undefined, quantity: 20, price: 50, faceValue: 50 });
    const winners = { seller: 0, rival: 0 };
    for (let i = 0; i < 20; i++) {
      const barcode = newBarcode();
      // The rival types it differently: the normalised barcode is the same.
      const typed = barcode.toLowerCase().replace(/-/g, ' ');
      const pdf = await ticketPdf(barcode);
      // Half the rounds the seller sends the PDF (slower to check), half the rival: neither side always starts first.
      const [a, b] = await Promise.all(
        i % 2 === 0
          ? [putBarcode(mine.tickets[i]!.id, seller, barcode), putPdf(theirs.tickets[i]!.id, rival, pdf, typed)]
          : [putPdf(mine.tickets[i]!.id, seller, pdf, barcode), putBarcode(theirs.tickets[i]!.id, rival, typed)],
      );
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.errors).toEqual([{ field: 'barcode', message: 'This barcode is already on sale or sold' }]);
      winners[a.status === 200 ? 'seller' : 'rival'] += 1;
    }
    const { rows } = await pool().query(
      `SELECT (SELECT count(*)::int FROM ticket_items) AS items, (SELECT count(*)::int FROM tickets WHERE has_item) AS "withItem",
              (SELECT count(*)::int FROM fraud_signals WHERE kind = 'duplicate-barcode') AS signals,
              (SELECT count(*)::int FROM fraud_signals f JOIN tickets t ON t.id = (f.details->>'existingTicketId')::uuid WHERE t.has_item) AS "namesWinner"`,
    );
    expect(rows[0]).toEqual({ items: 20, withItem: 20, signals: 20, namesWinner: 20 });
    expect(winners.seller + winners.rival).toBe(20);
  });

  test('the same barcode twice, by the same seller or another, later: 409 + fraud_signals row (kind, user, ticket, details)', async () => {
    const l = await newListing();
    const other = signedInUser();
    const o = await newListing(other);
    await putBarcode(l.tickets[0]!.id, seller, 'DUP-0000-1').expect(200);
    await putBarcode(l.tickets[1]!.id, seller, 'dup00001').expect(409);
    await putBarcode(o.tickets[0]!.id, other, 'DUP 0000 1').expect(409);
    const { rows } = await pool().query('SELECT kind, user_id, ticket_id, details FROM fraud_signals ORDER BY id');
    expect(rows).toEqual([
      { kind: 'duplicate-barcode', user_id: seller.id, ticket_id: l.tickets[1]!.id, details: { existingTicketId: l.tickets[0]!.id } },
      { kind: 'duplicate-barcode', user_id: other.id, ticket_id: o.tickets[0]!.id, details: { existingTicketId: l.tickets[0]!.id } },
    ]);
    expect((await stored()).items).toBe(1);
  });

  test('a withdrawn ticket’s barcode leaves the set: it can be listed again, by anyone', async () => {
    const l = await newListing();
    await putBarcode(l.tickets[0]!.id, seller, 'RELIST-0001').expect(200);
    await request(app()).delete(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(204);
    const buyerOfTheRealTicket = signedInUser();
    const again = await newListing(buyerOfTheRealTicket);
    await putBarcode(again.tickets[0]!.id, buyerOfTheRealTicket, 'RELIST-0001').expect(200);
    expect((await pool().query('SELECT count(*)::int AS n FROM fraud_signals')).rows[0].n).toBe(0);
  });
});

describe('instant listings', () => {
  test('created pending (not on the event page, nothing buyable); active with one listing.changed once every ticket has its item', async () => {
    const l: ListingBody = await newListing(seller, { delivery: 'instant', seats: ['1', '2', '3'] });
    expect(l).toMatchObject({ status: 'pending', delivery: 'instant', available: 3, buyableQuantities: [], version: 0 });
    expect((await request(app()).get(`/api/listings?eventId=${eventId}`).expect(200)).body.listings).toEqual([]);

    await putBarcode(l.tickets[0]!.id, seller, 'INSTANT-0001').expect(200);
    await putPdf(l.tickets[1]!.id, seller, await ticketPdf('INSTANT-0002'), 'INSTANT-0002').expect(200);
    let view = await request(app()).get(`/api/listings/${l.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'pending', buyableQuantities: [] });

    await putBarcode(l.tickets[2]!.id, seller, 'INSTANT-0003').expect(200);
    view = await request(app()).get(`/api/listings/${l.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'active', available: 3, buyableQuantities: [1, 2, 3] });
    expect((await request(app()).get(`/api/listings?eventId=${eventId}`).expect(200)).body.listings.map((x: ListingBody) => x.id)).toEqual([l.id]);

    const snapshots = (await outboxRows(pool())).filter((r) => r.subject === 'listing.changed').map((r) => listingChangedSchema.parse(r.payload));
    expect(snapshots.map((s) => [s.version, s.status])).toEqual([
      [0, 'pending'],
      [1, 'pending'],
      [2, 'pending'],
      [3, 'active'],
    ]);
  });

  test('a pending listing can be edited and withdrawn', async () => {
    const l = await newListing(seller, { delivery: 'instant' });
    await request(app()).put(`/api/listings/${l.id}`).set('Cookie', seller.cookie).send({ price: 45 }).expect(200);
    await request(app()).delete(`/api/listings/${l.id}`).set('Cookie', seller.cookie).expect(204);
    expect((await request(app()).get(`/api/listings/${l.id}`).expect(200)).body).toMatchObject({ status: 'withdrawn', available: 0 });
    await putBarcode(l.tickets[0]!.id, seller, 'PENDING-GONE').expect(409);
  });
});
