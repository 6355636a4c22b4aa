import { Router } from 'express';
import request from 'supertest';
import {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotAuthorizedError,
  NotFoundError,
  PayloadTooLargeError,
  PaymentDeclinedError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
  createLogger,
  createPool,
} from '@ticketing/common';
import { freePort } from '@ticketing/common/testing';
import { serviceApp } from './service-app';

let toThrow: unknown;
const router = Router();
router.get('/throw', () => {
  throw toThrow;
});
router.get('/reject', async () => {
  await new Promise((r) => setTimeout(r, 1));
  throw toThrow;
});
router.post('/echo', (req, res) => {
  res.json({ got: req.body });
});
const app = serviceApp(router);

describe('errorHandler maps each AppError to its status and body', () => {
  it.each<[AppError, number, object]>([
    [new BadRequestError('Bad thing', 'price'), 400, { errors: [{ message: 'Bad thing', field: 'price' }] }],
    [new BadRequestError('Invalid credentials'), 400, { errors: [{ message: 'Invalid credentials' }] }],
    [new ValidationError([{ message: 'Title is required', field: 'title' }, { message: 'Price must be > 0', field: 'price' }]), 400,
      { errors: [{ message: 'Title is required', field: 'title' }, { message: 'Price must be > 0', field: 'price' }] }],
    [new NotAuthorizedError(), 401, { errors: [{ message: 'Not signed in, or the session has expired' }] }],
    [new PaymentDeclinedError(), 402, { errors: [{ message: 'The payment was declined' }] }],
    [new ForbiddenError(), 403, { errors: [{ message: 'Not allowed: you are not the owner' }] }],
    [new NotFoundError('No such ticket'), 404, { errors: [{ message: 'No such ticket' }] }],
    [new ConflictError('Ticket is reserved', 'ticketId'), 409, { errors: [{ message: 'Ticket is reserved', field: 'ticketId' }] }],
    [new ConflictError('Already complete'), 409, { errors: [{ message: 'Already complete' }] }],
    [new PayloadTooLargeError(), 413, { errors: [{ message: 'Request body too large' }] }],
    [new UnsupportedMediaTypeError(), 415, { errors: [{ message: expect.stringContaining('application/json') }] }],
    [new TooManyRequestsError(42), 429, { errors: [{ message: 'Too many attempts, try again later' }] }],
    [new ServiceUnavailableError(), 503, { errors: [{ message: expect.any(String) }] }],
  ])('%p → %i', async (error, status, body) => {
    toThrow = error;
    for (const path of ['/throw', '/reject']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(status);
      expect(res.body).toEqual(body);
    }
  });

  it('429 carries Retry-After in seconds', async () => {
    toThrow = new TooManyRequestsError(42);
    const res = await request(app).get('/throw');
    expect(res.headers['retry-after']).toBe('42');
  });
});

describe('anything else is a 500 with a request id and no details', () => {
  it.each([
    ['an Error', Object.assign(new Error('relation "tickets" does not exist'), { code: '42P01' })],
    ['a thrown string', 'boom'],
    ['an object with a 4xx status but no parser type', { status: 404, message: 'secret' }],
  ])('%s', async (_label, error) => {
    toThrow = error;
    const res = await request(app).get('/reject').set('X-Request-Id', 'trace-123');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong. Quote request id trace-123 when reporting this.' }], requestId: 'trace-123' });
    expect(res.text).not.toMatch(/relation|secret|boom|\bat \S+|\.ts:\d+/);
  });

  it('mints a request id when the caller sends none (or an unsafe one) and returns it in x-request-id', async () => {
    toThrow = new Error('x');
    for (const incoming of [undefined, 'bad id with spaces', 'x'.repeat(129)]) {
      const req = request(app).get('/throw');
      if (incoming) req.set('X-Request-Id', incoming);
      const res = await req;
      expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    }
  });
});

describe('a dependency that cannot be reached is a 503 with Retry-After, not a 500', () => {
  test('a real PostgreSQL pool pointed at a port nobody listens on', async () => {
    const port = await freePort();
    const pool = createPool(`postgres://postgres@127.0.0.1:${port}/none`, createLogger('test', 'silent'));
    try {
      toThrow = await pool.query('SELECT 1').then(
        () => new Error('expected the query to fail'),
        (e: unknown) => e,
      );
    } finally {
      await pool.end();
    }
    const res = await request(app).get('/throw').set('X-Request-Id', 'trace-503');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({ errors: [{ message: 'Temporarily unavailable, try again shortly (request id trace-503)' }], requestId: 'trace-503' });
  });

  it.each([
    ['the server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
  ])('%s', async (_label, error) => {
    toThrow = error;
    expect((await request(app).get('/reject')).status).toBe(503);
  });
});

describe('request bodies and routes', () => {
  it('JSON is parsed', async () => {
    const res = await request(app).post('/echo').send({ a: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: { a: 1 } });
  });

  it('malformed JSON → 400', async () => {
    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send('{"a": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Malformed JSON in the request body' }] });
  });

  it('a body over the 100kb limit → 413', async () => {
    const res = await request(app).post('/echo').send({ pad: 'x'.repeat(101 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: 'Request body too large' }] });
  });

  it('a body that is not JSON → 415', async () => {
    for (const [type, body] of [['text/plain', 'hello'], ['application/x-www-form-urlencoded', 'a=1']]) {
      const res = await request(app).post('/echo').set('Content-Type', type!).send(body);
      expect(res.status).toBe(415);
      expect(res.body.errors[0].message).toMatch(/application\/json/);
    }
  });

  it('a POST without a body needs no Content-Type', async () => {
    const res = await request(app).post('/echo');
    expect(res.status).toBe(200);
  });

  it('an unknown route → 404 in the error shape', async () => {
    const res = await request(app).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [{ message: 'No route for GET /nowhere' }] });
  });

  it('does not advertise Express', async () => {
    const res = await request(app).get('/nowhere');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
