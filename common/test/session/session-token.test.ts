import { createHmac, createPublicKey, createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DEFAULT_SESSION_TTL_SECONDS, signSessionToken, verifySessionToken } from '@ticketing/common';
import { generateSessionKeys, testKeys } from '@ticketing/common/testing';

const user = { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', email: 'ann@example.test', roles: [] };

describe('session tokens', () => {
  it('round-trips the user with the matching public key', () => {
    const token = signSessionToken(user, testKeys().privateKey);
    expect(verifySessionToken(token, testKeys().publicKey)).toEqual(user);
  });

  it('is an ES256 JWT with sub = user id, expiring after 7 days by default', () => {
    const token = signSessionToken(user, testKeys().privateKey);
    const decoded = jwt.decode(token, { complete: true })!;
    expect(decoded.header.alg).toBe('ES256');
    const claims = decoded.payload as jwt.JwtPayload;
    expect(claims.sub).toBe(user.id);
    expect(claims.exp! - claims.iat!).toBe(DEFAULT_SESSION_TTL_SECONDS);
    expect(DEFAULT_SESSION_TTL_SECONDS).toBe(7 * 24 * 3600);
  });

  it('verifies with a parsed key (KeyObject) exactly as with the PEM', () => {
    const token = signSessionToken(user, testKeys().privateKey);
    expect(verifySessionToken(token, createPublicKey(testKeys().publicKey))).toEqual(user);
    const forged = signSessionToken(user, generateSessionKeys().privateKey);
    expect(verifySessionToken(forged, createPublicKey(testKeys().publicKey))).toBeNull();
  });

  it('rejects a token signed with another key', () => {
    const token = signSessionToken(user, generateSessionKeys().privateKey);
    expect(verifySessionToken(token, testKeys().publicKey)).toBeNull();
  });

  it('rejects an expired token', async () => {
    const token = signSessionToken(user, testKeys().privateKey, 1);
    expect(verifySessionToken(token, testKeys().publicKey)).toEqual(user);
    await new Promise((r) => setTimeout(r, 2100));
    expect(verifySessionToken(token, testKeys().publicKey)).toBeNull();
  });

  it('rejects garbage, tampered payloads and other algorithms', () => {
    const token = signSessionToken(user, testKeys().privateKey);
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'someone-else', email: 'x@example.test', exp: 9999999999 })).toString('base64url');
    const hs256 = jwt.sign({ email: user.email }, 'a-shared-secret', { algorithm: 'HS256', subject: user.id });
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`;
    for (const bad of ['', 'garbage', 'a.b.c', `${header}.${forgedPayload}.${signature}`, hs256, unsigned]) {
      expect(verifySessionToken(bad, testKeys().publicKey)).toBeNull();
    }
  });

  it('rejects HS256 keyed with the public key (algorithm confusion), whether it holds the PEM or a parsed key', () => {
    const pem = testKeys().publicKey;
    const now = Math.floor(Date.now() / 1000);
    // The public key is public: anyone can HMAC a token with its PEM text (as configured, or without the final newline).
    for (const secret of [pem, pem.trim()]) {
      const forged = hs256Token({ sub: user.id, email: user.email, iat: now, exp: now + 600 }, secret);
      // A real HS256 token under that secret, so a verifier that took HS256 with this key would accept it.
      expect(jwt.verify(forged, createSecretKey(Buffer.from(secret)), { algorithms: ['HS256'] })).toMatchObject({ sub: user.id });
      expect(verifySessionToken(forged, pem)).toBeNull();
      expect(verifySessionToken(forged, createPublicKey(pem))).toBeNull();
    }
  });

  it('carries the roles: an admin reads back as an admin', () => {
    const admin = { ...user, roles: ['admin'] };
    const token = signSessionToken(admin, testKeys().privateKey);
    expect((jwt.decode(token) as jwt.JwtPayload).roles).toEqual(['admin']);
    expect(verifySessionToken(token, testKeys().publicKey)).toEqual(admin);
  });

  it('a token minted before roles existed (no roles claim) reads as a user without roles', () => {
    const legacy = jwt.sign({ email: user.email }, testKeys().privateKey, { algorithm: 'ES256', subject: user.id, expiresIn: 60 });
    expect(verifySessionToken(legacy, testKeys().publicKey)).toEqual({ id: user.id, email: user.email, roles: [] });
  });

  it('rejects a validly signed token whose roles claim is not a list of strings', () => {
    for (const roles of ['admin', [1], null, { admin: true }]) {
      const token = jwt.sign({ email: user.email, roles }, testKeys().privateKey, { algorithm: 'ES256', subject: user.id, expiresIn: 60 });
      expect(verifySessionToken(token, testKeys().publicKey)).toBeNull();
    }
  });

  it('rejects a validly signed token without the claims a session needs', () => {
    const noEmail = jwt.sign({}, testKeys().privateKey, { algorithm: 'ES256', subject: user.id, expiresIn: 60 });
    const noSubject = jwt.sign({ email: user.email }, testKeys().privateKey, { algorithm: 'ES256', expiresIn: 60 });
    expect(verifySessionToken(noEmail, testKeys().publicKey)).toBeNull();
    expect(verifySessionToken(noSubject, testKeys().publicKey)).toBeNull();
  });
});

/** Built by hand: jsonwebtoken itself refuses to sign HS256 with a PEM public key. */
function hs256Token(claims: object, secret: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
