import { Router } from 'express';
import request from 'supertest';
import { requireAuth, userOf } from '@ticketing/common';
import { generateSessionKeys, sessionCookieFor, signedInAdmin, signedInUser } from '@ticketing/common/testing';
import { serviceApp } from './service-app';

const router = Router();
router.get('/whoami', (req, res) => {
  res.json({ currentUser: req.currentUser ?? null });
});
router.get('/mine', requireAuth, (req, res) => {
  res.json({ id: userOf(req).id });
});
const app = serviceApp(router);

describe('currentUser', () => {
  it('reads the user from a valid session cookie', async () => {
    const user = signedInUser();
    const res = await request(app).get('/whoami').set('Cookie', user.cookie);
    expect(res.body).toEqual({ currentUser: { id: user.id, email: user.email, roles: [] } });
  });

  it('reads the roles the session carries', async () => {
    const admin = signedInAdmin();
    const res = await request(app).get('/whoami').set('Cookie', admin.cookie);
    expect(res.body).toEqual({ currentUser: { id: admin.id, email: admin.email, roles: ['admin'] } });
  });

  it.each([
    ['no cookie', undefined],
    ['another key', signedInUser({ privateKey: generateSessionKeys().privateKey }).cookie],
    ['garbage JWT', sessionCookieFor('not.a.jwt')],
    ['garbage cookie', 'session=%%%'],
    ['a cookie without a jwt', `session=${Buffer.from(JSON.stringify({ other: 1 })).toString('base64')}`],
  ])('no user (and no error) with %s', async (_label, cookie) => {
    const req = request(app).get('/whoami');
    if (cookie) req.set('Cookie', cookie);
    const res = await req;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('an expired session is no session', async () => {
    const user = signedInUser({ ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await request(app).get('/whoami').set('Cookie', user.cookie)).body).toEqual({ currentUser: null });
  });
});

describe('requireAuth', () => {
  it('401 without a valid session, in the error shape', async () => {
    for (const cookie of [undefined, signedInUser({ privateKey: generateSessionKeys().privateKey }).cookie]) {
      const req = request(app).get('/mine');
      if (cookie) req.set('Cookie', cookie);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: [{ message: 'Not signed in, or the session has expired' }] });
    }
  });

  it('passes a signed-in user through', async () => {
    const user = signedInUser();
    const res = await request(app).get('/mine').set('Cookie', user.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id });
  });
});
