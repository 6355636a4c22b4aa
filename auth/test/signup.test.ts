import request from 'supertest';
import { authHarnessForFile, sessionCookie, uniqueEmail } from './helpers';

const h = authHarnessForFile();

describe('POST /api/users/signup', () => {
  it('creates the user: 201 {id, email, roles} and a session cookie that identifies them', async () => {
    const app = h.app();
    const email = uniqueEmail('new');
    const res = await request(app).post('/api/users/signup').send({ email, password: 'correct horse' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, roles: [] });
    const me = await request(app).get('/api/users/currentuser').set('Cookie', sessionCookie(res.headers['set-cookie']));
    expect(me.body).toEqual({ currentUser: { id: res.body.id, email, roles: [] } });
  });

  it('stores the email trimmed and lower-cased', async () => {
    const local = uniqueEmail('Mixed').replace('@example.test', '@Example.TEST');
    const res = await request(h.app()).post('/api/users/signup').send({ email: `  ${local} `, password: 'password123' });
    expect(res.status).toBe(201);
    expect(res.body.email).toBe(local.toLowerCase());
  });

  it.each([
    [{ password: 'password123' }, 'email'],
    [{ email: 'not-an-email', password: 'password123' }, 'email'],
    [{ email: 42, password: 'password123' }, 'email'],
    [{ email: `${'a'.repeat(250)}@example.test`, password: 'password123' }, 'email'],
    [{ email: 'short@example.test', password: 'seven77' }, 'password'],
    [{ email: 'long@example.test', password: 'x'.repeat(129) }, 'password'],
    [{ email: 'num@example.test', password: 12345678 }, 'password'],
    [{ email: 'none@example.test' }, 'password'],
  ])('400 naming the field for %j, and stores nothing', async (body, field) => {
    const res = await request(h.app()).post('/api/users/signup').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [(body as { email?: unknown }).email]);
    expect(rows[0].n).toBe(0);
  });

  it('accepts the password length bounds, 8 and 128 characters', async () => {
    for (const password of ['x'.repeat(8), 'y'.repeat(128)]) {
      const res = await request(h.app()).post('/api/users/signup').send({ email: uniqueEmail('bounds'), password });
      expect(res.status).toBe(201);
    }
  });

  it('409 when the email is in use, whatever its case', async () => {
    const email = uniqueEmail('taken');
    expect((await request(h.app()).post('/api/users/signup').send({ email, password: 'password123' })).status).toBe(201);
    const res = await request(h.app()).post('/api/users/signup').send({ email: email.toUpperCase(), password: 'another-password' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ errors: [{ message: 'Email in use', field: 'email' }] });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('20 simultaneous sign-ups with one email in different cases: exactly one 201, the rest 409, no 5xx', async () => {
    const app = h.app();
    const base = uniqueEmail('race');
    const variants = Array.from({ length: 20 }, (_, i) =>
      [...base].map((ch, j) => ((i >> (j % 5)) & 1 ? ch.toUpperCase() : ch)).join(''),
    );
    const results = await Promise.all(variants.map((email) => request(app).post('/api/users/signup').send({ email, password: 'password123' })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const { rows } = await h.db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = $1', [base]);
    expect(rows[0].n).toBe(1);
  });

  it('stores no plaintext: a salted scrypt hash with its parameters, different for two users with one password', async () => {
    const password = 'the same secret password';
    const a = uniqueEmail('hash-a');
    const b = uniqueEmail('hash-b');
    await request(h.app()).post('/api/users/signup').send({ email: a, password }).expect(201);
    await request(h.app()).post('/api/users/signup').send({ email: b, password }).expect(201);
    const { rows } = await h.db.pool.query<Record<string, unknown>>('SELECT * FROM users WHERE email IN ($1, $2) ORDER BY email', [a, b]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(password);
      expect(JSON.stringify(row)).not.toContain(Buffer.from(password).toString('base64'));
      expect(row.password_hash).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{88}$/);
    }
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    expect(String(rows[0]!.password_hash).split('$')[4]).not.toBe(String(rows[1]!.password_hash).split('$')[4]);
  });

  it('the cookie is HttpOnly and SameSite=Lax, lives as long as the session, and is not Secure outside production', async () => {
    const res = await request(h.app()).post('/api/users/signup').send({ email: uniqueEmail('cookie'), password: 'password123' });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='))!;
    expect(cookie).toMatch(/;\s*httponly/i);
    expect(cookie).toMatch(/;\s*samesite=lax/i);
    expect(cookie).not.toMatch(/;\s*secure/i);
    const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]!);
    expect(Math.abs(expires - (Date.now() + h.config.SESSION_TTL_SECONDS * 1000))).toBeLessThan(60_000);
  });

  it('the cookie is Secure in production (behind the TLS-terminating gateway)', async () => {
    const res = await request(h.app({ NODE_ENV: 'production' }))
      .post('/api/users/signup')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: uniqueEmail('secure'), password: 'password123' });
    expect(res.status).toBe(201);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='))!;
    expect(cookie).toMatch(/;\s*secure/i);
    expect(cookie).toMatch(/;\s*httponly/i);
  });
});

describe('request bodies', () => {
  it('malformed JSON → 400, nothing stored', async () => {
    const res = await request(h.app()).post('/api/users/signup').set('Content-Type', 'application/json').send('{"email": "x@example.test", "password": ');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/malformed json/i);
  });

  it('a body over the limit → 413', async () => {
    const res = await request(h.app()).post('/api/users/signup').send({ email: uniqueEmail('big'), password: 'password123', pad: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
  });

  it('a body that is not JSON → 415', async () => {
    const res = await request(h.app()).post('/api/users/signup').type('form').send('email=a%40example.test&password=password123');
    expect(res.status).toBe(415);
  });
});
