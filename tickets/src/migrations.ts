import path from 'node:path';
import { CATALOG_EVENTS_REPLICA_MIGRATIONS, COMMON_MIGRATIONS, type MigrationSource } from '@ticketing/common';

/**
 * The bus's tables (outbox, inbox) first, then the catalogue's events replica (tickets/0002 puts old tickets under an
 * event it inserts there), then the service's own; the same list at start-up and in tests.
 */
export const TICKETS_MIGRATIONS: MigrationSource[] = [
  COMMON_MIGRATIONS,
  CATALOG_EVENTS_REPLICA_MIGRATIONS,
  { dir: path.join(__dirname, '../migrations'), prefix: 'tickets/' },
];
