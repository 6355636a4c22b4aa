import { Router } from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { ConfigError, createLogger, createServiceApp, loadConfig, requireRole } from '@ticketing/common';
import { testKeys } from '@ticketing/common/testing';
import { configSchema } from '../src/config';
import { authHarnessForFile, sessionCookie, uniqueEmail } from './helpers';

const h = authHarnessForFile();
const PASSWORD = 'password123';

/** The claims of the JWT inside a session cookie (name=base64 JSON {jwt}), as another service would read them. */
function tokenClaims(cookie: string): jwt.JwtPayload {
  const { jwt: token } = JSON.parse(Buffer.from(cookie.slice(cookie.indexOf('=') + 1), 'base64').toString());
  return jwt.verify(token, testKeys().publicKey) as jwt.JwtPayload;
}

async function signUp(app: ReturnType<typeof h.app>, email: string) {
  const res = await request(app).post('/api/users/signup').send({ email, password: PASSWORD });
  expect(res.status).toBe(201);
  return { body: res.body, cookie: sessionCookie(res.headers['set-cookie']) };
}

async function signIn(app: ReturnType<typeof h.app>, email: string) {
  const res = await request(app).post('/api/users/signin').send({ email, password: PASSWORD });
  expect(res.status).toBe(200);
  return { body: res.body, cookie: sessionCookie(res.headers['set-cookie']) };
}

async function currentUser(app: ReturnType<typeof h.app>, cookie: string) {
  return (await request(app).get('/api/users/currentuser').set('Cookie', cookie)).body.currentUser;
}

describe('ADMIN_EMAILS', () => {
  const env = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/auth', JWT_PUBLIC_KEY: testKeys().publicKey, JWT_PRIVATE_KEY: testKeys().privateKey };

  it('is empty by default (no admins), and an empty value is the default', () => {
    expect(loadConfig(configSchema, env).ADMIN_EMAILS).toEqual([]);
    expect(loadConfig(configSchema, { ...env, ADMIN_EMAILS: '' }).ADMIN_EMAILS).toEqual([]);
  });

  it('reads comma-separated addresses, trimmed and lower-cased, skipping empty entries', () => {
    const { ADMIN_EMAILS } = loadConfig(configSchema, { ...env, ADMIN_EMAILS: ' Boss@Example.TEST , ,ops@example.test,' });
    expect(ADMIN_EMAILS).toEqual(['boss@example.test', 'ops@example.test']);
  });

  it('refuses an entry that is not an e-mail address, naming the variable', () => {
    expect(() => loadConfig(configSchema, { ...env, ADMIN_EMAILS: 'boss@example.test; ops@example.test' })).toThrow(ConfigError);
    expect(() => loadConfig(configSchema, { ...env, ADMIN_EMAILS: 'boss@example.test,ops' })).toThrow(
      /ADMIN_EMAILS is invalid: must be a comma-separated list of e-mail addresses/,
    );
  });
});

describe('roles', () => {
  it('an ADMIN_EMAILS address signs up as an admin, whatever the case on either side; the session carries the role', async () => {
    const email = uniqueEmail('boss');
    const app = h.app({ ADMIN_EMAILS: `ops@example.test, ${email.toUpperCase()}` });
    const { body, cookie } = await signUp(app, ` ${email.replace('boss', 'Boss')}`);
    expect(body).toEqual({ id: expect.any(String), email, roles: ['admin'] });
    expect(tokenClaims(cookie)).toMatchObject({ sub: body.id, email, roles: ['admin'] });
    expect(await currentUser(app, cookie)).toEqual({ id: body.id, email, roles: ['admin'] });
  });

  it('any other account signs up and in with no roles, and its session says so', async () => {
    const email = uniqueEmail('plain');
    const app = h.app({ ADMIN_EMAILS: `not-${email}` });
    const up = await signUp(app, email);
    expect(up.body.roles).toEqual([]);
    const { body, cookie } = await signIn(app, email);
    expect(body).toEqual({ id: up.body.id, email, roles: [] });
    expect(tokenClaims(cookie).roles).toEqual([]);
    expect(await currentUser(app, cookie)).toEqual({ id: up.body.id, email, roles: [] });
  });

  it('an admin signs in as an admin, whatever the case typed', async () => {
    const email = uniqueEmail('admin');
    const app = h.app({ ADMIN_EMAILS: email });
    const { body: created } = await signUp(app, email);
    const { body, cookie } = await signIn(app, email.toUpperCase());
    expect(body).toEqual({ id: created.id, email, roles: ['admin'] });
    expect(await currentUser(app, cookie)).toEqual({ id: created.id, email, roles: ['admin'] });
  });

  it('a change to ADMIN_EMAILS takes effect at the next sign-in; sessions already issued keep what they carry', async () => {
    const email = uniqueEmail('promoted');
    const before = h.app();
    const { cookie: plainSession } = await signUp(before, email);

    const promoted = h.app({ ADMIN_EMAILS: email });
    expect(await currentUser(promoted, plainSession)).toMatchObject({ roles: [] });
    const { body, cookie: adminSession } = await signIn(promoted, email);
    expect(body.roles).toEqual(['admin']);

    const demoted = h.app();
    expect(await currentUser(demoted, adminSession)).toMatchObject({ roles: ['admin'] });
    expect((await signIn(demoted, email)).body.roles).toEqual([]);
  });

  it("auth's session opens another service's admin-only route for an admin only (403 for a plain user)", async () => {
    const adminEmail = uniqueEmail('gate-admin');
    const app = h.app({ ADMIN_EMAILS: adminEmail });
    const admin = await signUp(app, adminEmail);
    const plain = await signUp(app, uniqueEmail('gate-user'));
    const other = createServiceApp({
      logger: createLogger('other-service', 'silent'),
      jwtPublicKey: testKeys().publicKey,
      production: false,
      health: { checks: {}, isAccepting: () => true },
      routes: Router().get('/admin-only', requireRole('admin'), (_req, res) => {
        res.json({ ok: true });
      }),
    });
    expect((await request(other).get('/admin-only').set('Cookie', admin.cookie)).status).toBe(200);
    expect((await request(other).get('/admin-only').set('Cookie', plain.cookie)).status).toBe(403);
    expect((await request(other).get('/admin-only')).status).toBe(401);
  });
});
