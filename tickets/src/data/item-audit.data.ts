import type { Queryable } from '@ticketing/common';

export interface ItemRead {
  ticketId: string;
  readerId: string;
  role: 'seller' | 'buyer';
  ip: string | null;
  userAgent: string | null;
}

/** Every read of an item, in the transaction that opened it. */
export async function recordItemRead(db: Queryable, r: ItemRead): Promise<void> {
  await db.query(`INSERT INTO item_reads (ticket_id, reader_id, role, ip, user_agent) VALUES ($1, $2, $3, $4, $5)`, [
    r.ticketId,
    r.readerId,
    r.role,
    r.ip,
    r.userAgent?.slice(0, 500) ?? null,
  ]);
}

export async function recordFraudSignal(db: Queryable, s: { kind: string; userId: string; ticketId: string; details: Record<string, unknown> }): Promise<void> {
  await db.query(`INSERT INTO fraud_signals (kind, user_id, ticket_id, details) VALUES ($1, $2, $3, $4)`, [s.kind, s.userId, s.ticketId, s.details]);
}
