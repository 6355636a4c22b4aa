import request from 'supertest';
import { authHarnessForFile, sessionCookie, uniqueEmail } from './helpers';

const h = authHarnessForFile();

async function signUp(email: string, password: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await request(h.app(extra)).post('/api/users/signup').send({ email, password });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('POST /api/users/signin', () => {
  it('200 {id, email, roles} and a session cookie for the right password, whatever the email case', async () => {
    const email = uniqueEmail('in');
    const id = await signUp(email, 'password123');
    const app = h.app();
    const res = await request(app).post('/api/users/signin').send({ email: ` ${email.toUpperCase()}`, password: 'password123' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, email, roles: [] });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='))!;
    expect(cookie).toMatch(/;\s*httponly/i);
    expect(cookie).toMatch(/;\s*samesite=lax/i);
    const me = await request(app).get('/api/users/currentuser').set('Cookie', sessionCookie(res.headers['set-cookie']));
    expect(me.body).toEqual({ currentUser: { id, email, roles: [] } });
  });

  it('400 "Invalid credentials", identical for a wrong password and an unknown email, and no cookie', async () => {
    const email = uniqueEmail('wrong');
    await signUp(email, 'password123');
    const wrong = await request(h.app()).post('/api/users/signin').send({ email, password: 'password124' });
    const unknown = await request(h.app()).post('/api/users/signin').send({ email: uniqueEmail('nobody'), password: 'password123' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('spends the same scrypt time on an unknown email as on a wrong password (no timing oracle)', async () => {
    // Expensive parameters so the KDF dominates the response time and the comparison is meaningful on a busy machine.
    const slow = { PASSWORD_SCRYPT_N: '32768', PASSWORD_SCRYPT_P: '2' };
    const email = uniqueEmail('timing');
    await signUp(email, 'password123', slow);
    const app = h.app(slow);
    const time = async (body: object): Promise<number> => {
      const started = performance.now();
      expect((await request(app).post('/api/users/signin').send(body)).status).toBe(400);
      return performance.now() - started;
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    await time({ email: uniqueEmail('warm'), password: 'x' }); // makes the decoy hash once
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrong.push(await time({ email, password: `nope-${i}` }));
      unknown.push(await time({ email: uniqueEmail('ghost'), password: `nope-${i}` }));
    }
    expect(median(wrong)).toBeGreaterThan(50);
    // Without the decoy hash an unknown email answers in a few ms (ratio ≈ 0.05); the bounds leave room for a busy CPU.
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.4);
    expect(median(unknown) / median(wrong)).toBeLessThan(2.5);
  });

  it.each([
    [{ password: 'password123' }, 'email'],
    [{ email: 'not an email', password: 'password123' }, 'email'],
    [{ email: 'a@example.test' }, 'password'],
    [{ email: 'a@example.test', password: '' }, 'password'],
    [{ email: 'a@example.test', password: ['password123'] }, 'password'],
  ])('400 naming the field for %j', async (body, field) => {
    const res = await request(h.app()).post('/api/users/signin').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('re-hashes a password made with older scrypt parameters on the next successful sign-in', async () => {
    const email = uniqueEmail('rehash');
    await signUp(email, 'password123', { PASSWORD_SCRYPT_N: '2048' });
    const before = (await h.db.pool.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0].password_hash;
    expect(before).toMatch(/^scrypt\$2048\$8\$1\$/);
    await request(h.app()).post('/api/users/signin').send({ email, password: 'password123' }).expect(200);
    const after = (await h.db.pool.query('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0].password_hash;
    expect(after).toMatch(/^scrypt\$4096\$8\$1\$/);
    await request(h.app()).post('/api/users/signin').send({ email, password: 'password123' }).expect(200);
    await request(h.app()).post('/api/users/signin').send({ email, password: 'password12' }).expect(400);
  });
});
