import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { signSessionToken, type UserPayload } from '../session/session-token';
import { SESSION_COOKIE_NAME } from '../http/create-service-app';

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

export function generateSessionKeys(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}

let shared: KeyPair | undefined;
/** One key pair per test process; services under test get its public key as JWT_PUBLIC_KEY. */
export function testKeys(): KeyPair {
  shared ??= generateSessionKeys();
  return shared;
}

/** The Cookie header cookie-session would read for this JWT (unsigned cookie holding base64 JSON). */
export function sessionCookieFor(token: string): string {
  return `${SESSION_COOKIE_NAME}=${Buffer.from(JSON.stringify({ jwt: token })).toString('base64')}`;
}

export interface TestUser extends UserPayload {
  cookie: string;
}

export interface TestUserOptions {
  id?: string;
  email?: string;
  roles?: string[];
  /** Sign with another key than testKeys()'s (a session the services must not accept). */
  privateKey?: string;
  ttlSeconds?: number;
}

/** A signed-in user with a real session signed by testKeys() (or the given private key); no roles unless given. */
export function signedInUser(opts: TestUserOptions = {}): TestUser {
  const id = opts.id ?? randomUUID();
  const email = opts.email ?? `user-${id.slice(0, 8)}@example.test`;
  const user = { id, email, roles: opts.roles ?? [] };
  const token = signSessionToken(user, opts.privateKey ?? testKeys().privateKey, opts.ttlSeconds);
  return { ...user, cookie: sessionCookieFor(token) };
}

/** A signed-in admin: signedInUser with the admin role. */
export function signedInAdmin(opts: Omit<TestUserOptions, 'roles'> = {}): TestUser {
  return signedInUser({ ...opts, roles: ['admin'] });
}
