import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The roles an account can hold; auth grants them (docs/services/auth.md), every service checks them with requireRole. */
export type Role = 'admin';

/** What a session says about its holder; every service reads it, only auth mints it. */
export interface UserPayload {
  id: string;
  email: string;
  /** `[]` or `["admin"]` (docs/api.md); kept as strings so a role this code does not know yet still reads. */
  roles: string[];
}

export const SESSION_ALGORITHM = 'ES256';
export const DEFAULT_SESSION_TTL_SECONDS = 7 * 24 * 3600;

export function signSessionToken(user: UserPayload, privateKeyPem: string, ttlSeconds = DEFAULT_SESSION_TTL_SECONDS): string {
  return jwt.sign({ email: user.email, roles: user.roles }, privateKeyPem, {
    algorithm: SESSION_ALGORITHM,
    subject: user.id,
    expiresIn: ttlSeconds,
  });
}

/**
 * Returns the user, or null when the token is forged, signed with another key, malformed or expired. Pass a KeyObject
 * (crypto.createPublicKey) when verifying often: with a PEM string the key is parsed again on every call.
 */
export function verifySessionToken(token: string, publicKey: string | KeyObject): UserPayload | null {
  try {
    const claims = jwt.verify(token, publicKey, { algorithms: [SESSION_ALGORITHM] });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.email !== 'string') return null;
    const roles = rolesClaim(claims.roles);
    return roles ? { id: claims.sub, email: claims.email, roles } : null;
  } catch {
    return null;
  }
}

/** Sessions minted before roles existed carry none: they read as a plain user, so they keep working until they expire. */
function rolesClaim(claim: unknown): string[] | null {
  if (claim === undefined) return [];
  return Array.isArray(claim) && claim.every((r) => typeof r === 'string') ? claim : null;
}

export function hasRole(user: UserPayload | undefined, role: Role): boolean {
  return user?.roles.includes(role) ?? false;
}
