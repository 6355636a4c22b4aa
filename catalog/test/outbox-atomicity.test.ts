import request from 'supertest';
import { refuseOutboxRows, signedInAdmin } from '@ticketing/common/testing';
import { plainImage, uploadArtwork } from './artwork-support';
import { catalogForFile, eventBody, outboxEvents } from './support';

/**
 * docs/design.md invariant 4 for the catalogue: a change and its event.* commit together or not at all. PostgreSQL
 * itself refuses the outbox row (a trigger) or the commit (a deferred constraint trigger), so these fail if the event
 * were written outside the change's transaction: after its commit (a refused event would leave the change stored,
 * unannounced) or before it on another connection (a refused commit would leave an event about nothing).
 */

const t = catalogForFile();

const admin = () => signedInAdmin().cookie;
const stored = async (id: string) => (await t.db.pool.query('SELECT name, status, version FROM events WHERE id = $1', [id])).rows[0];
const eventNamed = async (name: string) => (await t.db.pool.query('SELECT id FROM events WHERE name = $1', [name])).rows;

test('event.scheduled refused: no event is stored, and the next try stores and announces it once', async () => {
  const refused = await refuseOutboxRows(t.db.pool, 'event.scheduled');
  try {
    const res = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody({ name: 'Refused premiere' }));
    expect(res.status).toBe(500);
    expect(await refused.refusals()).toBe(1);
  } finally {
    await refused.allow();
  }
  expect(await eventNamed('Refused premiere')).toEqual([]);

  const res = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody({ name: 'Refused premiere' }));
  expect(res.status).toBe(201);
  expect((await outboxEvents(t.db.pool, res.body.id)).map((e) => e.subject)).toEqual(['event.scheduled']);
});

test('event.updated refused: the edit is not stored (same name, same version)', async () => {
  const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody({ name: 'Before the edit' }));
  const refused = await refuseOutboxRows(t.db.pool, 'event.updated');
  try {
    const res = await request(t.app).put(`/api/events/${event.id}`).set('Cookie', admin()).send({ name: 'After the edit' });
    expect(res.status).toBe(500);
    expect(await refused.refusals()).toBe(1);
  } finally {
    await refused.allow();
  }
  expect(await stored(event.id)).toEqual({ name: 'Before the edit', status: 'scheduled', version: 0 });
  expect((await outboxEvents(t.db.pool, event.id)).map((e) => e.subject)).toEqual(['event.scheduled']);
});

test('event.cancelled refused: the event stays scheduled, and cancelling again works', async () => {
  const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
  const refused = await refuseOutboxRows(t.db.pool, 'event.cancelled');
  try {
    expect((await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin())).status).toBe(500);
    expect(await refused.refusals()).toBe(1);
  } finally {
    await refused.allow();
  }
  expect(await stored(event.id)).toMatchObject({ status: 'scheduled', version: 0 });
  expect((await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin())).status).toBe(200);
  expect((await outboxEvents(t.db.pool, event.id)).map((e) => e.subject)).toEqual(['event.scheduled', 'event.cancelled']);
});

test("the cancellation's commit refused: no event.cancelled is left behind", async () => {
  const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
  // A deferred constraint trigger runs at COMMIT: the change and its event were both written, then the commit fails.
  await t.db.pool.query(`
    CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$;
    CREATE CONSTRAINT TRIGGER refuse_commit AFTER UPDATE ON events DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.id = '${event.id}') EXECUTE FUNCTION refuse_commit();`);
  try {
    expect((await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin())).status).toBe(500);
  } finally {
    await t.db.pool.query('DROP TRIGGER refuse_commit ON events; DROP FUNCTION refuse_commit');
  }
  expect(await stored(event.id)).toMatchObject({ status: 'scheduled', version: 0 });
  expect((await outboxEvents(t.db.pool, event.id)).map((e) => e.subject)).toEqual(['event.scheduled']);
});

describe('artwork', () => {
  const artworkOf = async (id: string) => ({
    event: (await t.db.pool.query('SELECT version, artwork FROM events WHERE id = $1', [id])).rows[0],
    files: Number((await t.db.pool.query('SELECT count(*) AS n FROM event_artwork WHERE event_id = $1', [id])).rows[0].n),
  });

  test('event.updated refused on an upload: no files, no artwork, same version', async () => {
    const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
    const refused = await refuseOutboxRows(t.db.pool, 'event.updated');
    try {
      expect((await uploadArtwork(t.app, event.id, { bytes: await plainImage(800, 450).png().toBuffer() })).status).toBe(500);
      expect(await refused.refusals()).toBe(1);
    } finally {
      await refused.allow();
    }
    expect(await artworkOf(event.id)).toEqual({ event: { version: 0, artwork: null }, files: 0 });
    expect((await outboxEvents(t.db.pool, event.id)).map((e) => e.subject)).toEqual(['event.scheduled']);
  });

  test('event.updated refused on a removal: the artwork and its files stay', async () => {
    const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
    const { body: withArtwork } = await uploadArtwork(t.app, event.id, { bytes: await plainImage(800, 450).png().toBuffer() }).expect(200);
    const before = await artworkOf(event.id);
    const refused = await refuseOutboxRows(t.db.pool, 'event.updated');
    try {
      expect((await request(t.app).delete(`/api/events/${event.id}/artwork`).set('Cookie', admin())).status).toBe(500);
    } finally {
      await refused.allow();
    }
    expect(await artworkOf(event.id)).toEqual(before);
    expect(before).toMatchObject({ event: { version: 1 }, files: 2 });
    expect((await request(t.app).get(withArtwork.artwork.card)).status).toBe(200);
  });
});
