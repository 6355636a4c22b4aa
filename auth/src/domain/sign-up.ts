import { ConflictError, type Pool, type UserPayload } from '@ticketing/common';
import { EmailTakenError, insertUser } from '../data/users.data';
import { hashPassword, type ScryptParams } from './password';
import { rolesFor } from './roles';

/** Emails are kept trimmed and lower-cased; the database's unique index on lower(email) is the real guard. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface SignUpDeps {
  pool: Pool;
  scrypt: ScryptParams;
  /** ADMIN_EMAILS, as the config normalises them. */
  adminEmails: readonly string[];
}

/**
 * Creates the account. Uniqueness is decided by the insert itself (unique index), never by a prior lookup, so of two
 * simultaneous sign-ups with one address exactly one succeeds and the other gets 409.
 */
export async function signUp(deps: SignUpDeps, input: { email: string; password: string }): Promise<UserPayload> {
  const passwordHash = await hashPassword(input.password, deps.scrypt);
  try {
    const user = await insertUser(deps.pool, normalizeEmail(input.email), passwordHash);
    return { ...user, roles: rolesFor(user.email, deps.adminEmails) };
  } catch (err) {
    if (err instanceof EmailTakenError) throw new ConflictError('Email in use', 'email');
    throw err;
  }
}
