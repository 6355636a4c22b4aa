import { Router, type RequestHandler } from 'express';
import request from 'supertest';
import { createLogger, createServiceApp } from '@ticketing/common';
import { testKeys } from '@ticketing/common/testing';

/**
 * createServiceApp's bodyMediaTypes: a route named there takes its own media types instead of JSON (an upload), and
 * only that route and method; every other body must still be JSON, within the 100 kb limit.
 */

const router = Router();
// Reads the raw body as the route's own parser would, and reports what it saw.
const rawBody: RequestHandler = async (req, res) => {
  let bytes = 0;
  for await (const chunk of req) bytes += (chunk as Buffer).length;
  res.json({ type: req.headers['content-type'], bytes, parsed: req.body ?? null });
};
router.put('/things/:id/picture', rawBody);
router.post('/things/:id/picture', rawBody);
router.post('/echo', (req, res) => {
  res.json({ got: req.body });
});

const app = createServiceApp({
  logger: createLogger('common-test', 'silent'),
  jwtPublicKey: testKeys().publicKey,
  production: false,
  health: { checks: {}, isAccepting: () => true },
  bodyMediaTypes: [{ method: 'PUT', path: '/things/:id/picture', types: ['multipart/form-data'] }],
  routes: router,
});

const multipart = (url: string, method: 'put' | 'post' = 'put') =>
  request(app)[method](url).attach('file', Buffer.from('not really a picture'), { filename: 'p.png', contentType: 'image/png' });

test('the named route takes its media type, its body left unread for the route to parse', async () => {
  const res = await multipart('/things/42/picture');
  expect(res.status).toBe(200);
  expect(res.body.type).toMatch(/^multipart\/form-data; boundary=/);
  expect(res.body.bytes).toBeGreaterThan(20);
  expect(res.body.parsed).toBeNull();
});

test('the named route refuses JSON with a 415 that names what it takes', async () => {
  const res = await request(app).put('/things/42/picture').send({ a: 1 });
  expect(res.status).toBe(415);
  expect(res.body).toEqual({ errors: [{ message: 'Send the body as multipart/form-data' }] });
});

test('another method on the same path, and every other route, stay JSON-only', async () => {
  const post = await multipart('/things/42/picture', 'post');
  expect(post.status).toBe(415);
  expect(post.body.errors[0].message).toMatch(/application\/json/);
  const echo = await multipart('/echo', 'post');
  expect(echo.status).toBe(415);
  expect((await request(app).post('/echo').send({ a: 1 })).body).toEqual({ got: { a: 1 } });
});

test('a path that only starts like the named one is not it', async () => {
  expect((await multipart('/things/42/picture/extra')).status).toBe(415);
});

test('JSON keeps its 100 kb limit', async () => {
  const res = await request(app).post('/echo').send({ pad: 'x'.repeat(101 * 1024) });
  expect(res.status).toBe(413);
});
