import type { Role } from '@ticketing/common';

/**
 * An account's roles, decided from ADMIN_EMAILS at each sign-up and sign-in and carried by the session token; nothing
 * is stored, so adding or removing an address takes effect at that account's next sign-in. Both sides are already
 * normalised: the users table only holds trimmed lower-case e-mails, and the config lower-cases the list.
 */
export function rolesFor(storedEmail: string, adminEmails: readonly string[]): Role[] {
  return adminEmails.includes(storedEmail) ? ['admin'] : [];
}
