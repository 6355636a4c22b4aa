import { ConflictError, type Pool, type UserPayload } from '@ticketing/common';
import { EmailTakenError, insertUser } from '../data/users.data';
import { hashPassword, type ScryptParams } from './password';

/** Emails are kept trimmed and lower-cased; the database's unique index on lower(email) is the real guard. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Creates the account. Uniqueness is decided by the insert itself (unique index), never by a prior lookup, so of two
 * simultaneous sign-ups with one address exactly one succeeds and the other gets 409.
 */
export async function signUp(pool: Pool, input: { email: string; password: string }, scrypt: ScryptParams): Promise<UserPayload> {
  const passwordHash = await hashPassword(input.password, scrypt);
  try {
    return await insertUser(pool, normalizeEmail(input.email), passwordHash);
  } catch (err) {
    if (err instanceof EmailTakenError) throw new ConflictError('Email in use', 'email');
    throw err;
  }
}
