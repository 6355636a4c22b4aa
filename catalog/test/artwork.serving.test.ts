import request from 'supertest';
import sharp from 'sharp';
import { signedInAdmin } from '@ticketing/common/testing';
import { plainImage, uploadArtwork } from './artwork-support';
import { catalogForFile, eventBody } from './support';

const t = catalogForFile();

const admin = () => signedInAdmin().cookie;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, no-cache';

/** An event with artwork: its API body (artwork URLs included). */
async function eventWithArtwork(colour = { r: 200, g: 120, b: 30 }) {
  const { body: event } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
  return (await uploadArtwork(t.app, event.id, { bytes: await plainImage(1000, 700, colour).png().toBuffer() }).expect(200)).body;
}

const etagIn = (url: string) => new URL(url, 'http://catalog').searchParams.get('v');

describe('GET /api/events/:id/artwork/:size', () => {
  test('at the URL the event gives: the WebP, its ETag, cached for good', async () => {
    const event = await eventWithArtwork();
    for (const [size, width, height] of [['card', 640, 360], ['hero', 1600, 900]] as const) {
      const res = await request(t.app).get(event.artwork[size]).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'image/webp',
        'cache-control': IMMUTABLE,
        etag: `"${etagIn(event.artwork[size])}"`,
        'x-content-type-options': 'nosniff',
      });
      expect(await sharp(res.body as Buffer).metadata()).toMatchObject({ format: 'webp', width, height });
    }
  });

  test('without the version in the URL: the same bytes, but caches must ask again', async () => {
    const event = await eventWithArtwork();
    const res = await request(t.app).get(`/api/events/${event.id}/artwork/card`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe(REVALIDATE);
    expect(res.headers.etag).toBe(`"${etagIn(event.artwork.card)}"`);
    expect(Buffer.compare(res.body, (await request(t.app).get(event.artwork.card).buffer(true)).body)).toBe(0);
  });

  test('If-None-Match with the current ETag: 304 without a body; another ETag: 200', async () => {
    const event = await eventWithArtwork();
    const etag = `"${etagIn(event.artwork.hero)}"`;
    const fresh = await request(t.app).get(event.artwork.hero).set('If-None-Match', etag);
    expect(fresh.status).toBe(304);
    expect(fresh.headers).toMatchObject({ etag, 'cache-control': IMMUTABLE });
    expect(fresh.text ?? '').toBe('');
    expect((await request(t.app).get(`/api/events/${event.id}/artwork/hero`).set('If-None-Match', `W/${etag}`)).status).toBe(304);
    expect((await request(t.app).get(event.artwork.hero).set('If-None-Match', '"something-older"')).status).toBe(200);
  });

  test('after a new upload, the old URL gets the new image, not for good; the old ETag is no longer fresh', async () => {
    const before = await eventWithArtwork({ r: 200, g: 30, b: 30 });
    const after = (await uploadArtwork(t.app, before.id, { bytes: await plainImage(900, 600, { r: 30, g: 30, b: 200 }).png().toBuffer() }).expect(200)).body;
    const old = await request(t.app).get(before.artwork.card).set('If-None-Match', `"${etagIn(before.artwork.card)}"`).buffer(true);
    expect(old.status).toBe(200);
    expect(old.headers).toMatchObject({ 'cache-control': REVALIDATE, etag: `"${etagIn(after.artwork.card)}"` });
    expect((await request(t.app).get(after.artwork.card)).headers['cache-control']).toBe(IMMUTABLE);
  });

  test('a cancelled event keeps showing its artwork', async () => {
    const event = await eventWithArtwork();
    const { body: cancelled } = await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin()).expect(200);
    expect(cancelled.artwork).toEqual(event.artwork);
    expect((await request(t.app).get(event.artwork.card)).status).toBe(200);
  });

  test('404: an event without artwork (pages show the placeholder), after DELETE, an unknown size, event or id', async () => {
    const { body: bare } = await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody());
    expect(bare.artwork).toBeNull();
    const none = await request(t.app).get(`/api/events/${bare.id}/artwork/card`);
    expect([none.status, none.body]).toEqual([404, { errors: [{ message: 'The event has no artwork' }] }]);

    const event = await eventWithArtwork();
    await request(t.app).delete(`/api/events/${event.id}/artwork`).set('Cookie', admin()).expect(200);
    expect((await request(t.app).get(event.artwork.card)).status).toBe(404);

    const other = await eventWithArtwork();
    expect((await request(t.app).get(`/api/events/${other.id}/artwork/thumbnail`)).status).toBe(404);
    expect((await request(t.app).get('/api/events/6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60/artwork/card')).status).toBe(404);
    expect((await request(t.app).get('/api/events/radiohead/artwork/card')).status).toBe(404);
  });
});
