import { createPublicKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import { NotAuthorizedError } from '../errors/errors';
import { verifySessionToken, type UserPayload } from '../session/session-token';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      currentUser?: UserPayload;
    }
  }
}

/**
 * Reads the session cookie's JWT; an invalid or expired one simply means "not signed in". The key is parsed once here,
 * not on every request (parsing the PEM was a visible share of the order path's CPU profile, docs/performance.md).
 */
export function currentUser(publicKeyPem: string): RequestHandler {
  const key = parsedKey(publicKeyPem);
  return (req, _res, next) => {
    const token = (req.session as { jwt?: unknown } | null | undefined)?.jwt;
    if (typeof token === 'string') {
      const user = verifySessionToken(token, key);
      if (user) req.currentUser = user;
    }
    next();
  };
}

/** A key that does not parse stays a string: every verification then fails (no session), as it always did. */
function parsedKey(pem: string): KeyObject | string {
  try {
    return createPublicKey(pem);
  } catch {
    return pem;
  }
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  if (!req.currentUser) throw new NotAuthorizedError();
  next();
};

/** For handlers behind requireAuth: the signed-in user, typed as present. */
export function userOf(req: Express.Request): UserPayload {
  if (!req.currentUser) throw new NotAuthorizedError();
  return req.currentUser;
}
