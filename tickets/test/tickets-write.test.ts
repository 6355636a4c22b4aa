import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signedInUser } from '@ticketing/common/testing';
import { createTicketAs, forceHold, outboxRows, ticketsAppForFile } from './support';

const ctx = ticketsAppForFile();

const ticketCount = async () => (await ctx.db.pool.query('SELECT count(*)::int AS n FROM tickets')).rows[0].n as number;

describe('POST /api/tickets', () => {
  test('201 with the ticket, stored in cents, and exactly one ticket.created in the outbox', async () => {
    const seller = signedInUser();
    const res = await request(ctx.app).post('/api/tickets').set('Cookie', seller.cookie).send({ title: '  Opera night  ', price: 19.99 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Opera night',
      price: 19.99,
      userId: seller.id,
      status: 'available',
      orderId: null,
      version: 0,
      createdAt: expect.any(String),
    });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    const { rows } = await ctx.db.pool.query('SELECT price_cents, title FROM tickets WHERE id = $1', [res.body.id]);
    expect(rows).toEqual([{ price_cents: 1999, title: 'Opera night' }]);

    const outbox = await outboxRows(ctx.db.pool);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      subject: 'ticket.created',
      aggregate_key: `ticket:${res.body.id}`,
      payload: { id: res.body.id, version: 0, title: 'Opera night', priceCents: 1999, userId: seller.id },
    });
  });

  test.each([
    ['price 100000 (the maximum)', 100000, 10000000],
    ['price 0.01', 0.01, 1],
    ['price 0.1', 0.1, 10],
    ['whole price', 35, 3500],
  ])('accepts %s', async (_name, price, cents) => {
    const t = await createTicketAs(ctx.app, signedInUser(), { price });
    expect(t.price).toBe(price);
    const { rows } = await ctx.db.pool.query('SELECT price_cents FROM tickets WHERE id = $1', [t.id]);
    expect(rows[0].price_cents).toBe(cents);
  });

  test('accepts a title of exactly 200 characters', async () => {
    const t = await createTicketAs(ctx.app, signedInUser(), { title: 'x'.repeat(200) });
    expect(t.title).toHaveLength(200);
  });

  test('401 without a session, and with a forged one; nothing stored', async () => {
    await request(ctx.app).post('/api/tickets').send({ title: 'a', price: 1 }).expect(401);
    const forged = signedInUser({ privateKey: (await import('@ticketing/common/testing')).generateSessionKeys().privateKey });
    await request(ctx.app).post('/api/tickets').set('Cookie', forged.cookie).send({ title: 'a', price: 1 }).expect(401);
    expect(await ticketCount()).toBe(0);
    expect(await outboxRows(ctx.db.pool)).toHaveLength(0);
  });

  test.each([
    ['price with three decimals', { title: 'ok', price: 10.999 }, 'price'],
    ['price 0', { title: 'ok', price: 0 }, 'price'],
    ['negative price', { title: 'ok', price: -5 }, 'price'],
    ['price above 100000', { title: 'ok', price: 100000.01 }, 'price'],
    ['price as a string', { title: 'ok', price: '10' }, 'price'],
    ['missing price', { title: 'ok' }, 'price'],
    ['empty title', { title: '', price: 10 }, 'title'],
    ['blank title', { title: '   ', price: 10 }, 'title'],
    ['title of 201 characters', { title: 'x'.repeat(201), price: 10 }, 'title'],
    ['title not text', { title: 42, price: 10 }, 'title'],
    ['missing title', { price: 10 }, 'title'],
  ])('400 for %s, naming the field; nothing stored', async (_name, payload, field) => {
    const res = await request(ctx.app).post('/api/tickets').set('Cookie', signedInUser().cookie).send(payload).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field, message: expect.stringContaining(field) })]);
    expect(await ticketCount()).toBe(0);
    expect(await outboxRows(ctx.db.pool)).toHaveLength(0);
  });

  test('400 naming both fields when both are bad', async () => {
    const res = await request(ctx.app).post('/api/tickets').set('Cookie', signedInUser().cookie).send({ title: '', price: 0 }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['price', 'title']);
  });

  test('400 for malformed JSON and 415 for a non-JSON body', async () => {
    const user = signedInUser();
    await request(ctx.app).post('/api/tickets').set('Cookie', user.cookie).set('Content-Type', 'application/json').send('{"title":').expect(400);
    await request(ctx.app).post('/api/tickets').set('Cookie', user.cookie).set('Content-Type', 'text/plain').send('title=a').expect(415);
    expect(await ticketCount()).toBe(0);
  });

  test('the ticket and its event are one transaction: when the outbox write fails, no ticket is stored', async () => {
    await ctx.db.pool.query('ALTER TABLE outbox RENAME TO outbox_unavailable');
    try {
      const res = await request(ctx.app).post('/api/tickets').set('Cookie', signedInUser().cookie).send({ title: 'Lost?', price: 5 });
      expect(res.status).toBe(500);
      expect(res.body.errors[0].message).toMatch(/request id/);
      expect(JSON.stringify(res.body)).not.toMatch(/outbox/);
    } finally {
      await ctx.db.pool.query('ALTER TABLE outbox_unavailable RENAME TO outbox');
    }
    expect(await ticketCount()).toBe(0);
  });
});

describe('GET /api/tickets/:id', () => {
  test('200 with the ticket, for anyone', async () => {
    const t = await createTicketAs(ctx.app, signedInUser(), { title: 'Match', price: 12.5 });
    const res = await request(ctx.app).get(`/api/tickets/${t.id}`).expect(200);
    expect(res.body).toEqual(t);
  });

  test('404 for an unknown id and for an id that is not a UUID', async () => {
    await request(ctx.app).get(`/api/tickets/${randomUUID()}`).expect(404);
    const res = await request(ctx.app).get('/api/tickets/not-a-uuid').expect(404);
    expect(res.body.errors[0].message).toMatch(/not found/i);
  });
});

describe('PUT /api/tickets/:id', () => {
  test('200 with the new values and version + 1 each time; one ticket.updated per edit', async () => {
    const seller = signedInUser();
    const t = await createTicketAs(ctx.app, seller, { title: 'Old', price: 10 });
    const first = await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: 12.34 }).expect(200);
    expect(first.body).toMatchObject({ id: t.id, title: 'Old', price: 12.34, version: 1, status: 'available', orderId: null, createdAt: t.createdAt });
    const second = await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: ' New ' }).expect(200);
    expect(second.body).toMatchObject({ title: 'New', price: 12.34, version: 2 });
    const third = await request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'Both', price: 99 }).expect(200);
    expect(third.body).toMatchObject({ title: 'Both', price: 99, version: 3 });

    const outbox = await outboxRows(ctx.db.pool);
    expect(outbox.map((r) => r.subject)).toEqual(['ticket.created', 'ticket.updated', 'ticket.updated', 'ticket.updated']);
    expect(outbox.map((r) => r.payload)).toEqual([
      { id: t.id, version: 0, title: 'Old', priceCents: 1000, userId: seller.id },
      { id: t.id, version: 1, title: 'Old', priceCents: 1234, userId: seller.id, orderId: null, status: 'available' },
      { id: t.id, version: 2, title: 'New', priceCents: 1234, userId: seller.id, orderId: null, status: 'available' },
      { id: t.id, version: 3, title: 'Both', priceCents: 9900, userId: seller.id, orderId: null, status: 'available' },
    ]);
    expect(new Set(outbox.map((r) => r.event_id)).size).toBe(4);
  });

  describe('refusals change nothing and write no event', () => {
    let seller: ReturnType<typeof signedInUser>;
    let ticketId: string;
    beforeEach(async () => {
      seller = signedInUser();
      ticketId = (await createTicketAs(ctx.app, seller, { title: 'Keep', price: 10 })).id;
    });
    afterEach(async () => {
      const { rows } = await ctx.db.pool.query('SELECT title, price_cents FROM tickets WHERE id = $1', [ticketId]);
      expect(rows).toEqual([{ title: 'Keep', price_cents: 1000 }]);
      expect((await outboxRows(ctx.db.pool)).map((r) => r.subject)).toEqual(['ticket.created']);
    });

    test('401 without a session', async () => {
      await request(ctx.app).put(`/api/tickets/${ticketId}`).send({ title: 'x' }).expect(401);
    });

    test('403 for someone who is not the seller', async () => {
      const res = await request(ctx.app).put(`/api/tickets/${ticketId}`).set('Cookie', signedInUser().cookie).send({ title: 'Mine now' }).expect(403);
      expect(res.body.errors[0].message).toMatch(/seller/);
    });

    test('404 for an unknown id and a non-UUID id', async () => {
      await request(ctx.app).put(`/api/tickets/${randomUUID()}`).set('Cookie', seller.cookie).send({ title: 'x' }).expect(404);
      await request(ctx.app).put('/api/tickets/123').set('Cookie', seller.cookie).send({ title: 'x' }).expect(404);
    });

    test.each([
      ['no change at all', {}, undefined],
      ['price with three decimals', { price: 1.001 }, 'price'],
      ['price 0', { price: 0 }, 'price'],
      ['price above 100000', { price: 100001 }, 'price'],
      ['price null', { price: null }, 'price'],
      ['empty title', { title: '' }, 'title'],
      ['title of 201 characters', { title: 'y'.repeat(201) }, 'title'],
      ['a valid title with an invalid price', { title: 'Fine', price: -1 }, 'price'],
    ])('400 for %s', async (_name, payload, field) => {
      const res = await request(ctx.app).put(`/api/tickets/${ticketId}`).set('Cookie', seller.cookie).send(payload).expect(400);
      if (field) expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      else expect(res.body.errors[0].message).toMatch(/title or price/);
    });

    test('409 while the ticket is held by an order', async () => {
      await forceHold(ctx.db.pool, ticketId, 'reserved', randomUUID());
      const res = await request(ctx.app).put(`/api/tickets/${ticketId}`).set('Cookie', seller.cookie).send({ price: 1 }).expect(409);
      expect(res.body.errors[0].message).toMatch(/held/);
    });

    test('409 once sold', async () => {
      await forceHold(ctx.db.pool, ticketId, 'sold', randomUUID());
      const res = await request(ctx.app).put(`/api/tickets/${ticketId}`).set('Cookie', seller.cookie).send({ title: 'Changed' }).expect(409);
      expect(res.body.errors[0].message).toMatch(/sold/);
    });

    test('403 (not 409) for a stranger even while held: ownership is checked first', async () => {
      await forceHold(ctx.db.pool, ticketId, 'reserved', randomUUID());
      await request(ctx.app).put(`/api/tickets/${ticketId}`).set('Cookie', signedInUser().cookie).send({ title: 'x' }).expect(403);
    });
  });

  test('an edit racing a hold never overwrites it: the edit waits for the hold to commit, then gets 409', async () => {
    const seller = signedInUser();
    const t = await createTicketAs(ctx.app, seller, { title: 'Race', price: 10 });
    const holder = await ctx.db.pool.connect();
    try {
      // A hold in flight (as the order.created listener does it): the row is locked but not yet committed.
      await holder.query('BEGIN');
      await holder.query(`UPDATE tickets SET status = 'reserved', order_id = $2, version = version + 1 WHERE id = $1`, [t.id, randomUUID()]);
      const edit = request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: 1 }).then((r) => r);
      // The edit must be blocked on the row, not have decided from a stale read.
      await new Promise((r) => setTimeout(r, 300));
      const waiting = await ctx.db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      expect(waiting.rows[0].n).toBe(1);
      await holder.query('COMMIT');
      expect((await edit).status).toBe(409);
    } finally {
      holder.release();
    }
    const { rows } = await ctx.db.pool.query('SELECT status, price_cents, version FROM tickets WHERE id = $1', [t.id]);
    expect(rows).toEqual([{ status: 'reserved', price_cents: 1000, version: 1 }]);
    expect((await outboxRows(ctx.db.pool)).map((r) => r.subject)).toEqual(['ticket.created']);
  });

  test('concurrent edits by the seller each apply once: versions 1..n, one event each', async () => {
    const seller = signedInUser();
    const t = await createTicketAs(ctx.app, seller);
    const n = 8;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => request(ctx.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ price: i + 1 })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const updates = (await outboxRows(ctx.db.pool)).filter((r) => r.subject === 'ticket.updated');
    expect(updates.map((r) => r.payload.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});
