import { Router } from 'express';
import { body } from 'express-validator';
import request from 'supertest';
import { isUuid, NotFoundError, validateRequest } from '@ticketing/common';
import { serviceApp } from './service-app';

let handled = 0;
const router = Router();
router.post(
  '/tickets',
  body('title').isString().withMessage('Title must be text').bail().trim().notEmpty().withMessage('Title is required'),
  body('price').isFloat({ gt: 0 }).withMessage('Price must be greater than 0'),
  validateRequest,
  (req, res) => {
    handled++;
    res.status(201).json({ title: req.body.title });
  },
);
router.get('/things/:id', (req, res) => {
  if (!isUuid(req.params.id)) throw new NotFoundError();
  res.json({ id: req.params.id });
});
const app = serviceApp(router);

describe('validateRequest', () => {
  beforeEach(() => {
    handled = 0;
  });

  it('lets valid input through to the handler (with sanitizers applied)', async () => {
    const res = await request(app).post('/tickets').send({ title: '  Concert ', price: 10 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ title: 'Concert' });
    expect(handled).toBe(1);
  });

  it('400 naming the failing field, before the handler runs', async () => {
    const res = await request(app).post('/tickets').send({ title: 'Concert', price: -1 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Price must be greater than 0', field: 'price' }] });
    expect(handled).toBe(0);
  });

  it('names every failing field once, even when one field fails several checks', async () => {
    const res = await request(app).post('/tickets').send({ title: '   ', price: 'free' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'Title is required', field: 'title' },
      { message: 'Price must be greater than 0', field: 'price' },
    ]);
    const missing = await request(app).post('/tickets').send({});
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['title', 'price']);
    expect(handled).toBe(0);
  });
});

describe('isUuid', () => {
  it('accepts UUIDs in any case and nothing else', () => {
    expect(isUuid('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBe(true);
    expect(isUuid('3F2504E0-4F89-41D3-9A0C-0305E82C3301')).toBe(true);
    for (const v of ['', '123', '3f2504e0-4f89-41d3-9a0c-0305e82c330', '3f2504e0-4f89-41d3-9a0c-0305e82c3301x', 42, null, undefined]) {
      expect(isUuid(v)).toBe(false);
    }
  });

  it('a path id that is not a UUID is answered 404', async () => {
    expect((await request(app).get('/things/not-a-uuid')).status).toBe(404);
    expect((await request(app).get('/things/3f2504e0-4f89-41d3-9a0c-0305e82c3301')).status).toBe(200);
  });
});
