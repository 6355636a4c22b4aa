import { Router } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { requireRole, userOf } from '@ticketing/common';
import { generateSessionKeys, sessionCookieFor, signedInAdmin, signedInUser, testKeys } from '@ticketing/common/testing';
import { serviceApp } from './service-app';

const router = Router();
router.post('/admin-only', requireRole('admin'), (req, res) => {
  res.status(201).json({ by: userOf(req).id });
});
const app = serviceApp(router);

const post = (cookie?: string) => {
  const req = request(app).post('/admin-only').set('Content-Type', 'application/json').send('{}');
  return cookie ? req.set('Cookie', cookie) : req;
};

describe('requireRole', () => {
  it('401 signed out, or with a session the services do not accept', async () => {
    for (const cookie of [undefined, signedInAdmin({ privateKey: generateSessionKeys().privateKey }).cookie]) {
      const res = await post(cookie);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not signed in, or the session has expired' }] });
    }
  });

  it('403 signed in without the role, in the error shape', async () => {
    const res = await post(signedInUser().cookie);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [{ message: 'Not allowed: admins only' }] });
  });

  it('403 for a session minted before roles existed (no roles claim)', async () => {
    const legacy = jwt.sign({ email: 'old@example.test' }, testKeys().privateKey, { algorithm: 'ES256', subject: 'a-user', expiresIn: 60 });
    expect((await post(sessionCookieFor(legacy))).status).toBe(403);
  });

  it('403 for roles it does not know, however they are spelt', async () => {
    for (const roles of [['Admin'], ['admins'], ['seller']]) expect((await post(signedInUser({ roles }).cookie)).status).toBe(403);
  });

  it('passes an admin through to the handler', async () => {
    const admin = signedInAdmin();
    const res = await post(admin.cookie);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ by: admin.id });
  });

  it('passes a holder of several roles that include it', async () => {
    expect((await post(signedInUser({ roles: ['seller', 'admin'] }).cookie)).status).toBe(201);
  });
});
