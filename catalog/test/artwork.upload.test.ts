import request from 'supertest';
import sharp from 'sharp';
import { signedInAdmin, signedInUser } from '@ticketing/common/testing';
import { isBlue, isRed, noisyImage, pixelAt, plainImage, sidewaysJpeg, storedArtwork, uploadArtwork } from './artwork-support';
import { catalogForFile, daysFromNow, eventBody, outboxEvents, seedEvent } from './support';

const t = catalogForFile();

const admin = () => signedInAdmin().cookie;
const newEvent = async () => (await request(t.app).post('/api/events').set('Cookie', admin()).send(eventBody())).body;
const png = () => plainImage(1200, 800).png().toBuffer();
const RED_ISH = { r: 200, g: 60, b: 60 };
const BLUE_ISH = { r: 60, g: 60, b: 200 };

/** Nothing about the event changed: same version and artwork, no file, nothing more in the outbox. */
async function expectUnchanged(event: { id: string; version: number }, outboxBefore: unknown[]) {
  expect(await storedArtwork(t.db.pool, event.id)).toEqual({ version: event.version, artwork: null, files: [] });
  expect(await outboxEvents(t.db.pool, event.id)).toEqual(outboxBefore);
}

describe('PUT /api/events/:id/artwork', () => {
  test('200: a card and a hero, WebP at the pages\' sizes; the version, the URLs and event.updated change together', async () => {
    const event = await newEvent();
    const res = await uploadArtwork(t.app, event.id, { bytes: await png() });
    expect(res.status).toBe(200);
    const stored = await storedArtwork(t.db.pool, event.id);
    const { card, hero } = stored.artwork!;
    expect(res.body).toEqual({
      ...event,
      version: 1,
      artwork: { card: `/api/events/${event.id}/artwork/card?v=${card}`, hero: `/api/events/${event.id}/artwork/hero?v=${hero}` },
    });
    expect(stored.version).toBe(1);
    expect(stored.files.map((f) => [f.size, f.contentType, f.etag])).toEqual([
      ['card', 'image/webp', card],
      ['hero', 'image/webp', hero],
    ]);
    for (const [file, width, height] of [[stored.files[0]!, 640, 360], [stored.files[1]!, 1600, 900]] as const) {
      expect(await sharp(file.bytes).metadata()).toMatchObject({ format: 'webp', width, height });
    }
    const events = await outboxEvents(t.db.pool, event.id);
    expect(events.map((e) => e.subject)).toEqual(['event.scheduled', 'event.updated']);
    const { summary: _summary, ...published } = res.body;
    expect(events[1]!.payload).toEqual(published);
    expect((await request(t.app).get(`/api/events/${event.id}`)).body).toEqual(res.body);
  });

  test('a sideways phone photo is stored upright, and its EXIF (orientation, artist) is not kept', async () => {
    const photo = await sidewaysJpeg();
    expect(await sharp(photo).metadata()).toMatchObject({ width: 600, height: 300, orientation: 6, exif: expect.any(Buffer) });
    const event = await newEvent();
    expect((await uploadArtwork(t.app, event.id, { bytes: photo, filename: 'IMG_0001.JPG', contentType: 'image/jpeg' })).status).toBe(200);
    const card = (await storedArtwork(t.db.pool, event.id)).files.find((f) => f.size === 'card')!.bytes;
    // Upright (red above blue), the middle band of the portrait covers the card: red at its top, blue at its bottom,
    // on both sides. Stored as it lay (red left, blue right), the bottom left corner would be red.
    for (const x of [20, 620]) {
      expect(isRed(await pixelAt(card, x, 20))).toBe(true);
      expect(isBlue(await pixelAt(card, x, 340))).toBe(true);
    }
    const meta = await sharp(card).metadata();
    expect([meta.exif, meta.orientation, meta.xmp, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test.each([
    ['WebP', () => plainImage(900, 900).webp().toBuffer(), 'image/webp'],
    ['AVIF', () => plainImage(400, 300).avif().toBuffer(), 'image/avif'],
    ['GIF', () => plainImage(320, 240).gif().toBuffer(), 'image/gif'],
  ])('%s is taken too', async (_format, make, contentType) => {
    const event = await newEvent();
    const res = await uploadArtwork(t.app, event.id, { bytes: await make(), contentType });
    expect(res.status).toBe(200);
    expect(res.body.artwork).toEqual({ card: expect.stringContaining('/artwork/card?v='), hero: expect.stringContaining('/artwork/hero?v=') });
  });

  test.each([
    ['a text file named .png', async () => Buffer.from('Doors open at 7pm. Bring your ticket.\n'.repeat(20))],
    ['a PNG cut off halfway', async () => {
      const whole = await noisyImage(400, 300).png().toBuffer();
      return whole.subarray(0, Math.floor(whole.length / 2));
    }],
    ['an SVG (not a format taken)', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="640" height="360"/></svg>')],
    ['a TIFF (not a format taken)', () => plainImage(640, 360).tiff().toBuffer()],
  ])('400 "not an image" for %s; nothing stored or announced', async (_case, make) => {
    const event = await newEvent();
    const before = await outboxEvents(t.db.pool, event.id);
    const res = await uploadArtwork(t.app, event.id, { bytes: await make(), filename: 'poster.png', contentType: 'image/png' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'file', message: expect.stringMatching(/not an image/) }]);
    await expectUnchanged(event, before);
  });

  test('413 over 5 MB (a real PNG of 5.9 MB); nothing stored', async () => {
    const big = await plainImage(1400, 1400).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const event = await newEvent();
    const before = await outboxEvents(t.db.pool, event.id);
    const res = await uploadArtwork(t.app, event.id, { bytes: big });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].message).toMatch(/at most 5 MB/);
    await expectUnchanged(event, before);
  });

  test('413 for a canvas over 50 megapixels, whatever its bytes (a 60-megapixel PNG of one colour is a few hundred kB)', async () => {
    const huge = await plainImage(10_000, 6_000).png().toBuffer();
    expect(huge.length).toBeLessThan(5 * 1024 * 1024);
    const event = await newEvent();
    const before = await outboxEvents(t.db.pool, event.id);
    const res = await uploadArtwork(t.app, event.id, { bytes: huge });
    expect([res.status, res.body.errors[0].message]).toEqual([413, expect.stringMatching(/10000 × 6000 pixels; at most 50 megapixels/)]);
    await expectUnchanged(event, before);
  });

  test('400 without the field file, with two files, or with another field; 415 for JSON', async () => {
    const event = await newEvent();
    const put = () => request(t.app).put(`/api/events/${event.id}/artwork`).set('Cookie', admin());
    const image = await png();
    const wrongField = await put().attach('image', image, 'poster.png');
    expect([wrongField.status, wrongField.body.errors[0].field]).toEqual([400, 'file']);
    expect((await put().attach('file', image, 'a.png').attach('file', image, 'b.png')).status).toBe(400);
    expect((await put().field('caption', 'hi').attach('file', image, 'a.png')).status).toBe(400);
    expect((await put().field('caption', 'only a caption')).status).toBe(400);
    expect((await put()).status).toBe(400);
    const json = await put().send({ file: 'data:image/png;base64,AAAA' });
    expect(json.status).toBe(415);
    expect(json.body.errors[0].message).toMatch(/multipart\/form-data/);
    expect((await storedArtwork(t.db.pool, event.id)).version).toBe(0);
  });

  test('401 signed out, 403 for a plain user, 404 unknown or not a UUID; nothing stored', async () => {
    const event = await newEvent();
    const before = await outboxEvents(t.db.pool, event.id);
    const bytes = await png();
    expect((await uploadArtwork(t.app, event.id, { bytes }, null)).status).toBe(401);
    const plain = await uploadArtwork(t.app, event.id, { bytes }, signedInUser().cookie);
    expect([plain.status, plain.body.errors[0].message]).toEqual([403, expect.stringMatching(/admins only/)]);
    expect((await uploadArtwork(t.app, '6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60', { bytes })).status).toBe(404);
    expect((await uploadArtwork(t.app, 'radiohead', { bytes })).status).toBe(404);
    await expectUnchanged(event, before);
  });

  test('409 for a cancelled event and for one that is over, like an edit; nothing stored', async () => {
    const cancelled = await newEvent();
    const { body: afterCancel } = await request(t.app).post(`/api/events/${cancelled.id}/cancel`).set('Cookie', admin()).expect(200);
    const over = await seedEvent(t.db.pool, { startsAt: daysFromNow(-1) });
    for (const [event, message] of [[afterCancel, /cancelled/], [over, /over/]] as const) {
      const before = await outboxEvents(t.db.pool, event.id);
      const res = await uploadArtwork(t.app, event.id, { bytes: await png() });
      expect([res.status, res.body.errors[0].message]).toEqual([409, expect.stringMatching(message)]);
      await expectUnchanged(event, before);
    }
  });

  test('a new image replaces the old: new URLs, version + 1 again; two admins at once both land, one after the other', async () => {
    const event = await newEvent();
    const first = await uploadArtwork(t.app, event.id, { bytes: await png() });
    const second = await uploadArtwork(t.app, event.id, { bytes: await plainImage(800, 450, { r: 20, g: 160, b: 20 }).jpeg().toBuffer() });
    expect(second.body.version).toBe(2);
    expect(second.body.artwork.card).not.toBe(first.body.artwork.card);
    expect(second.body.artwork.hero).not.toBe(first.body.artwork.hero);

    const racing = await Promise.all([RED_ISH, BLUE_ISH].map(async (c) => uploadArtwork(t.app, event.id, { bytes: await plainImage(640, 360, c).png().toBuffer() })));
    expect(racing.map((r) => r.status)).toEqual([200, 200]);
    expect(racing.map((r) => r.body.version).sort()).toEqual([3, 4]);
    // The last one to commit is the artwork, its files and its event.updated alike: never one's card with the other's hero.
    const stored = await storedArtwork(t.db.pool, event.id);
    const last = racing.find((r) => r.body.version === 4)!.body;
    expect(stored.files.map((f) => f.etag)).toEqual([stored.artwork!.card, stored.artwork!.hero]);
    expect(last.artwork.card).toContain(stored.artwork!.card);
    const updates = (await outboxEvents(t.db.pool, event.id)).filter((e) => e.subject === 'event.updated');
    expect(updates.map((e) => e.payload.version)).toEqual([1, 2, 3, 4]);
    expect(updates[3]!.payload.artwork).toEqual(last.artwork);
  });
});

describe('DELETE /api/events/:id/artwork', () => {
  test('200: artwork null, version + 1, event.updated; the files are gone; a second DELETE is 404', async () => {
    const event = await newEvent();
    await uploadArtwork(t.app, event.id, { bytes: await png() }).expect(200);
    const res = await request(t.app).delete(`/api/events/${event.id}/artwork`).set('Cookie', admin());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...event, version: 2, artwork: null });
    expect(await storedArtwork(t.db.pool, event.id)).toEqual({ version: 2, artwork: null, files: [] });
    const events = await outboxEvents(t.db.pool, event.id);
    expect(events.map((e) => [e.subject, e.payload.version, e.payload.artwork])).toEqual([
      ['event.scheduled', 0, null],
      ['event.updated', 1, expect.any(Object)],
      ['event.updated', 2, null],
    ]);
    const again = await request(t.app).delete(`/api/events/${event.id}/artwork`).set('Cookie', admin());
    expect([again.status, again.body.errors[0].message]).toEqual([404, 'The event has no artwork']);
    expect((await outboxEvents(t.db.pool, event.id)).length).toBe(3);
  });

  test('401, 403, 404 unknown; 409 once cancelled, and the cancelled event keeps its artwork', async () => {
    const event = await newEvent();
    await uploadArtwork(t.app, event.id, { bytes: await png() }).expect(200);
    const del = (id: string, cookie?: string) => {
      const r = request(t.app).delete(`/api/events/${id}/artwork`);
      return cookie ? r.set('Cookie', cookie) : r;
    };
    expect((await del(event.id)).status).toBe(401);
    expect((await del(event.id, signedInUser().cookie)).status).toBe(403);
    expect((await del('6f1c1b8e-3f1a-4f9e-9a57-1d2c3b4a5f60', admin())).status).toBe(404);
    await request(t.app).post(`/api/events/${event.id}/cancel`).set('Cookie', admin()).expect(200);
    const res = await del(event.id, admin());
    expect([res.status, res.body.errors[0].message]).toEqual([409, expect.stringMatching(/cancelled/)]);
    const stored = await storedArtwork(t.db.pool, event.id);
    expect([stored.version, stored.files.length]).toEqual([2, 2]);
  });
});
