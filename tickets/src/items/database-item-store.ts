import type { Queryable } from '@ticketing/common';
import type { ItemStore, SealedItem } from './item-store';

const COLUMNS = `key_id AS "keyId", iv, auth_tag AS "authTag", ciphertext, has_pdf AS "hasPdf", size`;

/** The default store: sealed items in the tickets database (ticket_items, migrations/0003_delivery.sql). */
export class DatabaseItemStore implements ItemStore {
  async put(db: Queryable, ticketId: string, i: SealedItem): Promise<void> {
    await db.query(
      `INSERT INTO ticket_items (ticket_id, key_id, iv, auth_tag, ciphertext, has_pdf, size) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (ticket_id) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv, auth_tag = EXCLUDED.auth_tag,
         ciphertext = EXCLUDED.ciphertext, has_pdf = EXCLUDED.has_pdf, size = EXCLUDED.size, updated_at = now()`,
      [ticketId, i.keyId, i.iv, i.authTag, i.ciphertext, i.hasPdf, i.size],
    );
  }

  async get(db: Queryable, ticketId: string): Promise<SealedItem | null> {
    const { rows } = await db.query<SealedItem>(`SELECT ${COLUMNS} FROM ticket_items WHERE ticket_id = $1`, [ticketId]);
    return rows[0] ?? null;
  }

  async delete(db: Queryable, ticketId: string): Promise<void> {
    await db.query(`DELETE FROM ticket_items WHERE ticket_id = $1`, [ticketId]);
  }

  async claimNotSealedWith(db: Queryable, keyId: string, limit: number): Promise<Array<{ ticketId: string; item: SealedItem }>> {
    const { rows } = await db.query<SealedItem & { ticketId: string }>(
      `SELECT ticket_id AS "ticketId", ${COLUMNS} FROM ticket_items WHERE key_id <> $1 ORDER BY ticket_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [keyId, limit],
    );
    return rows.map(({ ticketId, ...item }) => ({ ticketId, item }));
  }
}
