import type { RequestHandler } from 'express';
import { ForbiddenError, NotAuthorizedError } from '../errors/errors';
import { hasRole, type Role } from '../session/session-token';

const WHO_MAY: Record<Role, string> = { admin: 'Not allowed: admins only' };

/**
 * Lets through only a signed-in user holding the role: 401 without a session (sign in first), 403 with one that
 * lacks the role (signing in again will not help). Roles come from the session token, so a role granted or withdrawn
 * takes effect at the holder's next sign-in.
 */
export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (!req.currentUser) throw new NotAuthorizedError();
    if (!hasRole(req.currentUser, role)) throw new ForbiddenError(WHO_MAY[role]);
    next();
  };
}
