import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** What a session says about its holder; every service reads it, only auth mints it. */
export interface UserPayload {
  id: string;
  email: string;
}

export const SESSION_ALGORITHM = 'ES256';
export const DEFAULT_SESSION_TTL_SECONDS = 7 * 24 * 3600;

export function signSessionToken(user: UserPayload, privateKeyPem: string, ttlSeconds = DEFAULT_SESSION_TTL_SECONDS): string {
  return jwt.sign({ email: user.email }, privateKeyPem, { algorithm: SESSION_ALGORITHM, subject: user.id, expiresIn: ttlSeconds });
}

/**
 * Returns the user, or null when the token is forged, signed with another key, malformed or expired. Pass a KeyObject
 * (crypto.createPublicKey) when verifying often: with a PEM string the key is parsed again on every call.
 */
export function verifySessionToken(token: string, publicKey: string | KeyObject): UserPayload | null {
  try {
    const claims = jwt.verify(token, publicKey, { algorithms: [SESSION_ALGORITHM] });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.email !== 'string') return null;
    return { id: claims.sub, email: claims.email };
  } catch {
    return null;
  }
}
