import path from 'node:path';
import { CATALOG_EVENTS_REPLICA_MIGRATIONS, COMMON_MIGRATIONS, type MigrationSource } from '@ticketing/common';

/**
 * The bus's tables (outbox, inbox), the catalogue's events replica, then orders' own; the same list at start-up and
 * in tests. orders/0002 fills catalog_events, so the replica's table must exist before it.
 */
export const ORDERS_MIGRATIONS: MigrationSource[] = [
  COMMON_MIGRATIONS,
  CATALOG_EVENTS_REPLICA_MIGRATIONS,
  { dir: path.join(__dirname, '../migrations'), prefix: 'orders/' },
];
