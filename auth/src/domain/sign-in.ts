import { randomUUID } from 'node:crypto';
import { BadRequestError, type Logger, type Pool, type UserPayload } from '@ticketing/common';
import { findUserByEmail, updatePasswordHash } from '../data/users.data';
import { hashPassword, needsRehash, verifyPassword, type ScryptParams } from './password';
import { rolesFor } from './roles';
import { normalizeEmail } from './sign-up';
import type { SignInRateLimiter } from './signin-rate-limit';

export const INVALID_CREDENTIALS = 'Invalid credentials';

export interface SignInDeps {
  pool: Pool;
  limiter: SignInRateLimiter;
  scrypt: ScryptParams;
  logger: Logger;
  /** ADMIN_EMAILS, as the config normalises them. */
  adminEmails: readonly string[];
}

// A hash of a password nobody knows, made with the current parameters: checking against it when the email is unknown
// costs the same scrypt time as a wrong password, so response times do not reveal which emails have accounts.
const decoys = new Map<string, Promise<string>>();
function decoyHash(params: ScryptParams): Promise<string> {
  const key = `${params.N}:${params.r}:${params.p}`;
  let decoy = decoys.get(key);
  if (!decoy) {
    decoy = hashPassword(randomUUID(), params);
    decoys.set(key, decoy);
  }
  return decoy;
}

/** Checks the credentials under the rate limit; unknown email and wrong password fail identically. */
export async function signIn(deps: SignInDeps, input: { email: string; password: string; ip: string }): Promise<UserPayload> {
  const email = normalizeEmail(input.email);
  await deps.limiter.admit(email, input.ip);
  const user = await findUserByEmail(deps.pool, email);
  const matches = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash(deps.scrypt)));
  if (!user || !matches) throw new BadRequestError(INVALID_CREDENTIALS);
  await deps.limiter.succeeded(email);
  if (needsRehash(user.passwordHash, deps.scrypt)) await upgradeHash(deps, user.id, input.password);
  return { id: user.id, email: user.email, roles: rolesFor(user.email, deps.adminEmails) };
}

/** Re-hashes with the current parameters now that we hold the password; a failure here must not fail the sign-in. */
async function upgradeHash(deps: SignInDeps, userId: string, password: string): Promise<void> {
  try {
    await updatePasswordHash(deps.pool, userId, await hashPassword(password, deps.scrypt));
  } catch (err) {
    deps.logger.warn({ err, userId }, 'could not upgrade the password hash');
  }
}
