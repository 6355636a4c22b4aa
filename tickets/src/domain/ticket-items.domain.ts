import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PG_UNIQUE_VIOLATION,
  isPgError,
  withTransaction,
  type Logger,
  type Pool,
  type Queryable,
} from '@ticketing/common';
import { recordFraudSignal, recordItemRead } from '../data/item-audit.data';
import { findKnownOrder } from '../data/known-orders.data';
import { lockListing } from '../data/listings.data';
import { attachItem, findTicket, lockTickets, ticketWithFingerprint, type TicketRow } from '../data/tickets.data';
import type { ItemKeyring } from '../items/item-keys';
import { barcodeFingerprint, openItem, sealItem, type ItemContent } from '../items/item-sealing';
import type { ItemStore } from '../items/item-store';
import { completeIfReady, lockPendingDelivery } from './deliveries.domain';
import { recordListingChanged } from './listing-events';

/** What items need: where they rest and the secrets that seal and fingerprint them (config). */
export interface ItemDeps {
  pool: Pool;
  store: ItemStore;
  keyring: ItemKeyring;
  fingerprintKey: Buffer;
  logger: Logger;
}

export const DUPLICATE_BARCODE = 'This barcode is already on sale or sold';
export const NOT_DELIVERED_YET = 'Not delivered yet';
const FINGERPRINT_INDEX = 'tickets_item_fingerprint_unique';

export interface UploadOutcome {
  id: string;
  delivered: boolean;
  hasPdf: boolean;
}

/** Finds the ticket, then takes its listing's lock (as every change of a listing does), then the ticket's. */
async function lockTicket(tx: Queryable, ticketId: string): Promise<{ ticket: TicketRow; sellerId: string; listingStatus: string }> {
  const found = await findTicket(tx, ticketId);
  if (!found) throw new NotFoundError('Ticket not found');
  const listing = await lockListing(tx, found.listingId);
  const [ticket] = await lockTickets(tx, found.listingId, [ticketId]);
  if (!listing || !ticket) throw new NotFoundError('Ticket not found');
  return { ticket, sellerId: listing.sellerId, listingStatus: listing.status };
}

/**
 * The seller attaches (or replaces) a ticket's item, in one transaction: the sealed blob, the ticket's fingerprint,
 * the listing going on sale (pending → active once every ticket has one), the order's delivery completing (its last
 * missing item), and their events. Any refusal or crash stores none of it.
 */
export async function uploadItem(deps: ItemDeps, ticketId: string, sellerId: string, content: ItemContent): Promise<UploadOutcome> {
  const fingerprint = barcodeFingerprint(deps.fingerprintKey, content.barcode);
  try {
    return await withTransaction(deps.pool, async (tx) => {
      const { ticket, sellerId: owner, listingStatus } = await lockTicket(tx, ticketId);
      if (owner !== sellerId) throw new ForbiddenError('Only the seller can attach this ticket’s item');
      if (ticket.status === 'withdrawn') throw new ConflictError('This ticket is withdrawn; it can no longer get an item');
      if (ticket.deliveredAt) throw new ConflictError('This ticket is already delivered; its item can no longer change');
      const now = new Date();
      const pending = ticket.status === 'sold' && ticket.orderId ? await lockPendingDelivery(tx, ticket.orderId, now) : { state: 'none' as const };
      if (pending.state === 'closed') throw new ConflictError(pending.reason);

      await attachItem(tx, ticketId, fingerprint);
      await deps.store.put(tx, ticketId, sealItem(deps.keyring, ticketId, content));
      // A pending listing's status is recomputed by the change record: active once nothing lacks an item.
      if (listingStatus === 'pending') await recordListingChanged(tx, ticket.listingId);
      const delivered = pending.state === 'open' ? await completeIfReady(tx, pending.delivery, now) : false;
      return { id: ticketId, delivered, hasPdf: content.pdf !== null };
    });
  } catch (err) {
    if (!isPgError(err, PG_UNIQUE_VIOLATION, FINGERPRINT_INDEX)) throw err;
    await reportDuplicateBarcode(deps, ticketId, sellerId, fingerprint);
    throw new ConflictError(DUPLICATE_BARCODE, 'barcode');
  }
}

/** The refused attempt is kept for review: a log line and a fraud_signals row (after the upload rolled back). */
async function reportDuplicateBarcode(deps: ItemDeps, ticketId: string, userId: string, fingerprint: Buffer): Promise<void> {
  const existingTicketId = await ticketWithFingerprint(deps.pool, fingerprint, ticketId);
  deps.logger.warn({ fraudSignal: 'duplicate-barcode', userId, ticketId, existingTicketId }, 'a barcode already on sale or sold was offered again');
  await recordFraudSignal(deps.pool, { kind: 'duplicate-barcode', userId, ticketId, details: { existingTicketId } }).catch((err: unknown) =>
    deps.logger.error({ err, ticketId, userId }, 'could not record the fraud signal'),
  );
}

export interface ItemReadRequest {
  ticketId: string;
  readerId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface ItemForReader extends ItemContent {
  seat: string | null;
  position: number;
}

/**
 * The seller reads their ticket's item any time; the buyer of the order holding it once that order's delivery is
 * done (409 before); anyone else 403. Every read is recorded, in the transaction that opens the item.
 */
export function readItem(deps: ItemDeps, r: ItemReadRequest): Promise<ItemForReader> {
  return withTransaction(deps.pool, async (tx) => {
    const ticket = await findTicket(tx, r.ticketId);
    if (!ticket) throw new NotFoundError('Ticket not found');
    const listing = await sellerOfListing(tx, ticket.listingId);
    let role: 'seller' | 'buyer';
    if (listing.sellerId === r.readerId) role = 'seller';
    else {
      const order = ticket.orderId ? await findKnownOrder(tx, ticket.orderId) : null;
      if (!order || order.buyerId !== r.readerId || ticket.status !== 'sold') throw new ForbiddenError('Only the seller or the buyer of this ticket can read its item');
      if (!ticket.deliveredAt) throw new ConflictError(NOT_DELIVERED_YET);
      role = 'buyer';
    }
    const sealed = await deps.store.get(tx, r.ticketId);
    if (!sealed) throw new NotFoundError('This ticket has no item yet');
    const content = openItem(deps.keyring, r.ticketId, sealed);
    await recordItemRead(tx, { ticketId: r.ticketId, readerId: r.readerId, role, ip: r.ip, userAgent: r.userAgent });
    return { ...content, seat: ticket.seat, position: ticket.position };
  });
}

/** Reads do not change the listing: no lock, just its seller. */
async function sellerOfListing(tx: Queryable, listingId: string): Promise<{ sellerId: string }> {
  const { rows } = await tx.query<{ sellerId: string }>(`SELECT seller_id AS "sellerId" FROM listings WHERE id = $1`, [listingId]);
  if (!rows[0]) throw new NotFoundError('Ticket not found');
  return rows[0];
}
