import request from 'supertest';
import { signedInAdmin, signedInUser } from '@ticketing/common/testing';
import { catalogForFile, daysFromNow, eventBody, outboxEvents, seedEvent } from './support';

const t = catalogForFile();

const admin = () => signedInAdmin().cookie;
const countEvents = async () => Number((await t.db.pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
const create = (body: object, cookie = admin()) => request(t.app).post('/api/events').set('Cookie', cookie).send(body);

describe('POST /api/events', () => {
  test('201: the event, scheduled at version 0 with an empty summary; event.scheduled in the outbox with it', async () => {
    const startsAt = '2030-06-21T18:30:00.000Z';
    const res = await create(eventBody({ name: '  Radiohead  ', startsAt, timeZone: 'europe/london', venue: { name: 'Wembley Arena', city: 'London', country: 'gb' } }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Radiohead',
      category: 'concert',
      venue: { name: 'Wembley Arena', city: 'London', country: 'GB' },
      timeZone: 'Europe/London',
      startsAt,
      status: 'scheduled',
      version: 0,
      artwork: null,
      summary: { listings: 0, ticketsAvailable: 0, minPrice: null },
    });
    const { summary: _summary, ...published } = res.body;
    expect((await outboxEvents(t.db.pool, res.body.id)).map((e) => [e.subject, e.payload])).toEqual([['event.scheduled', published]]);
    expect((await request(t.app).get(`/api/events/${res.body.id}`)).body).toEqual(res.body);
  });

  test('401 signed out, 403 signed in without the admin role; nothing stored', async () => {
    const n = await countEvents();
    expect((await request(t.app).post('/api/events').send(eventBody())).status).toBe(401);
    const plain = await create(eventBody(), signedInUser().cookie);
    expect(plain.status).toBe(403);
    expect(plain.body.errors[0].message).toMatch(/admins only/);
    expect(await countEvents()).toBe(n);
  });

  test.each([
    ['name', 'empty', { name: '' }],
    ['name', '201 characters', { name: 'x'.repeat(201) }],
    ['category', 'not one of the six', { category: 'opera' }],
    ['venue', 'a string', { venue: 'Wembley' }],
    ['venue.city', 'missing', { venue: { name: 'Wembley Arena', country: 'GB' } }],
    ['venue.country', 'UK (the ISO code is GB)', { venue: { name: 'Wembley Arena', city: 'London', country: 'UK' } }],
    ['venue.country', 'XX (user-assigned)', { venue: { name: 'Wembley Arena', city: 'London', country: 'XX' } }],
    ['timeZone', 'unknown', { timeZone: 'Mars/Olympus_Mons' }],
    ['timeZone', 'an offset, not a zone', { timeZone: 'GMT+1:00' }],
    ['startsAt', 'without T', { startsAt: '2030-06-21 18:30' }],
    ['startsAt', 'without an offset', { startsAt: '2030-06-21T18:30:00' }],
    ['startsAt', 'in the past', { startsAt: daysFromNow(-1).toISOString() }],
    ['startsAt', 'six years ahead', { startsAt: daysFromNow(365 * 6).toISOString() }],
  ])('400 naming %s (%s); nothing stored', async (field, _case, over) => {
    const n = await countEvents();
    const res = await create(eventBody(over));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await countEvents()).toBe(n);
  });

  test('400 names every missing field at once', async () => {
    const res = await create({});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['category', 'name', 'startsAt', 'timeZone', 'venue', 'venue.city', 'venue.country', 'venue.name'].sort(),
    );
  });
});

describe('PUT /api/events/:id', () => {
  test('200: changes what is sent, version + 1, event.updated carries the whole event', async () => {
    const { body: event } = await create(eventBody());
    const res = await request(t.app).put(`/api/events/${event.id}`).set('Cookie', admin()).send({ name: 'Radiohead (second night)', venue: { city: 'Londres' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...event, name: 'Radiohead (second night)', venue: { ...event.venue, city: 'Londres' }, version: 1 });
    const events = await outboxEvents(t.db.pool, event.id);
    expect(events.map((e) => e.subject)).toEqual(['event.scheduled', 'event.updated']);
    expect(events[1]!.payload).toMatchObject({ version: 1, name: 'Radiohead (second night)', venue: { name: 'Wembley Arena', city: 'Londres', country: 'GB' } });
  });

  test('409 when the version named is not the current one (another admin edited first); nothing changes', async () => {
    const { body: event } = await create(eventBody());
    const first = await request(t.app).put(`/api/events/${event.id}`).set('Cookie', admin()).send({ name: 'First edit', version: 0 });
    expect(first.status).toBe(200);
    const second = await request(t.app).put(`/api/events/${event.id}`).set('Cookie', admin()).send({ name: 'Second edit', version: 0 });
    expect(second.status).toBe(409);
    expect(second.body.errors[0].field).toBe('version');
    expect((await request(t.app).get(`/api/events/${event.id}`)).body).toMatchObject({ name: 'First edit', version: 1 });
  });

  test('409 for a cancelled event and for one that is over; neither changes nor announces anything', async () => {
    const { body: cancelled } = await create(eventBody());
    await request(t.app).post(`/api/events/${cancelled.id}/cancel`).set('Cookie', admin()).expect(200);
    const over = await seedEvent(t.db.pool, { startsAt: daysFromNow(-1) });
    for (const [id, message] of [[cancelled.id, /cancelled/], [over.id, /over/]] as const) {
      const before = await outboxEvents(t.db.pool, id);
      const res = await request(t.app).put(`/api/events/${id}`).set('Cookie', admin()).send({ name: 'Too late' });
      expect(res.status).toBe(409);
      expect(res.body.errors[0].message).toMatch(message);
      expect(await outboxEvents(t.db.pool, id)).toEqual(before);
    }
    expect((await request(t.app).get(`/api/events/${over.id}`)).body).toMatchObject({ name: 'Radiohead', version: 0 });
  });

  test('400 with nothing to change, a status, or a bad field; 404 unknown or not a UUID; 401/403', async () => {
    const { body: event } = await create(eventBody());
    const put = (id: string, body: object, cookie = admin()) => request(t.app).put(`/api/events/${id}`).set('Cookie', cookie).send(body);
    expect((await put(event.id, {})).status).toBe(400);
    expect((await put(event.id, { status: 'cancelled' })).body.errors[0].field).toBe('status');
    expect((await put(event.id, { startsAt: daysFromNow(-2).toISOString() })).body.errors[0].field).toBe('startsAt');
    expect((await put('6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60', { name: 'x' })).status).toBe(404);
    expect((await put('not-a-uuid', { name: 'x' })).status).toBe(404);
    expect((await request(t.app).put(`/api/events/${event.id}`).send({ name: 'x' })).status).toBe(401);
    expect((await put(event.id, { name: 'x' }, signedInUser().cookie)).status).toBe(403);
    expect((await request(t.app).get(`/api/events/${event.id}`)).body.version).toBe(0);
  });
});

describe('POST /api/events/:id/cancel', () => {
  test('200: cancelled, version + 1, event.cancelled; a second cancel is 409 and announces nothing', async () => {
    const { body: event } = await create(eventBody());
    const res = await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...event, status: 'cancelled', version: 1 });
    const again = await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin());
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toMatch(/already cancelled/);
    const events = await outboxEvents(t.db.pool, event.id);
    expect(events.map((e) => e.subject)).toEqual(['event.scheduled', 'event.cancelled']);
    expect(events[1]!.payload).toMatchObject({ status: 'cancelled', version: 1 });
  });

  test('409 for an event that is over; 404 unknown; 401 signed out; 403 plain user', async () => {
    const over = await seedEvent(t.db.pool, { startsAt: daysFromNow(-0.01) });
    const cancel = (id: string, cookie?: string) => {
      const r = request(t.app).post(`/api/events/${id}/cancel`);
      return cookie ? r.set('Cookie', cookie) : r;
    };
    expect((await cancel(over.id, admin())).status).toBe(409);
    expect((await cancel('6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60', admin())).status).toBe(404);
    expect((await cancel('42', admin())).status).toBe(404);
    const { body: event } = await create(eventBody());
    expect((await cancel(event.id)).status).toBe(401);
    expect((await cancel(event.id, signedInUser().cookie)).status).toBe(403);
    expect((await request(t.app).get(`/api/events/${event.id}`)).body.status).toBe('scheduled');
  });

  test('two admins cancelling at once: one 200, one 409, one event.cancelled', async () => {
    const { body: event } = await create(eventBody());
    const results = await Promise.all([1, 2, 3, 4].map(() => request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin())));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect((await outboxEvents(t.db.pool, event.id)).map((e) => e.subject)).toEqual(['event.scheduled', 'event.cancelled']);
  });
});

test('GET /api/events/:id: 404 for an unknown id and for one that is not a UUID', async () => {
  expect((await request(t.app).get('/api/events/6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60')).status).toBe(404);
  expect((await request(t.app).get('/api/events/radiohead')).status).toBe(404);
});
