import { isPgError, PG_UNIQUE_VIOLATION, type Queryable } from '@ticketing/common';

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string;
}

/** The unique index on lower(email); a violation of it means the email is taken. */
export const USERS_EMAIL_UNIQUE = 'users_email_lower_key';

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
  }
}

/** Inserts a user; throws EmailTakenError when the email (case-insensitively) exists, decided by the index alone. */
export async function insertUser(db: Queryable, email: string, passwordHash: string): Promise<{ id: string; email: string }> {
  try {
    const { rows } = await db.query<{ id: string; email: string }>(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id, email',
      [email, passwordHash],
    );
    return rows[0]!;
  } catch (err) {
    if (isPgError(err, PG_UNIQUE_VIOLATION, USERS_EMAIL_UNIQUE)) throw new EmailTakenError();
    throw err;
  }
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    'SELECT id, email, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)',
    [email],
  );
  return rows[0] ?? null;
}

export async function updatePasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
}
