import { createHmac } from 'node:crypto';
import request from 'supertest';
import { generateSessionKeys, sessionCookieFor, signedInUser, testKeys } from '@ticketing/common/testing';
import { createAuthHarness, sessionCookie, uniqueEmail, type AuthHarness } from './helpers';

let h: AuthHarness;
beforeAll(async () => {
  h = await createAuthHarness();
});
afterAll(() => h.close());

describe('GET /api/users/currentuser', () => {
  it('200 {currentUser: null} without a session', async () => {
    const res = await request(h.app()).get('/api/users/currentuser');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('200 with the user for a session minted with the platform key', async () => {
    const user = signedInUser();
    const res = await request(h.app()).get('/api/users/currentuser').set('Cookie', user.cookie);
    expect(res.body).toEqual({ currentUser: { id: user.id, email: user.email, roles: [] } });
  });

  it('a session signed with another key is not a session', async () => {
    const forged = signedInUser({ privateKey: generateSessionKeys().privateKey });
    const res = await request(h.app()).get('/api/users/currentuser').set('Cookie', forged.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('a session re-signed HS256 with the public key as HMAC secret is not a session (algorithm confusion)', async () => {
    const user = signedInUser();
    const claims = JSON.parse(Buffer.from(user.cookie.slice(user.cookie.indexOf('=') + 1), 'base64').toString()).jwt.split('.')[1];
    const unsigned = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${claims}`;
    const forged = `${unsigned}.${createHmac('sha256', testKeys().publicKey).update(unsigned).digest('base64url')}`;
    const res = await request(h.app()).get('/api/users/currentuser').set('Cookie', sessionCookieFor(forged));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currentUser: null });
  });

  it('garbage in the cookie is not a session (and not an error)', async () => {
    for (const cookie of ['session=not-base64-json', `session=${Buffer.from(JSON.stringify({ jwt: 'a.b.c' })).toString('base64')}`]) {
      const res = await request(h.app()).get('/api/users/currentuser').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ currentUser: null });
    }
  });

  it('a session expires after SESSION_TTL_SECONDS', async () => {
    // exp = whole seconds: a TTL of 1 s can end 0.1 s after sign-up, before the first check on a loaded machine (it did in
    // CI). 3 s leaves at least 2 s for that check; then wait past the latest possible exp.
    const app = h.app({ SESSION_TTL_SECONDS: '3' });
    const res = await request(app).post('/api/users/signup').send({ email: uniqueEmail('ttl'), password: 'password123' });
    const cookie = sessionCookie(res.headers['set-cookie']);
    expect((await request(app).get('/api/users/currentuser').set('Cookie', cookie)).body.currentUser).not.toBeNull();
    await new Promise((r) => setTimeout(r, 4100));
    expect((await request(app).get('/api/users/currentuser').set('Cookie', cookie)).body).toEqual({ currentUser: null });
  });
});

describe('POST /api/users/signout', () => {
  it('200 {} and the cookie cleared; the browser then has no session', async () => {
    const app = h.app();
    const signup = await request(app).post('/api/users/signup').send({ email: uniqueEmail('out'), password: 'password123' });
    const res = await request(app).post('/api/users/signout').set('Cookie', sessionCookie(signup.headers['set-cookie']));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const cleared = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='))!;
    expect(cleared).toMatch(/^session=;/);
    expect(Date.parse(/expires=([^;]+)/i.exec(cleared)![1]!)).toBeLessThan(Date.now());
    const me = await request(app).get('/api/users/currentuser').set('Cookie', sessionCookie(res.headers['set-cookie']));
    expect(me.body).toEqual({ currentUser: null });
  });

  it('200 {} without a session too', async () => {
    const res = await request(h.app()).post('/api/users/signout');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });
});
