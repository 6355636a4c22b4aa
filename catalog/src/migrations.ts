import path from 'node:path';
import { COMMON_MIGRATIONS, type MigrationSource } from '@ticketing/common';

/** The bus's tables (outbox, inbox) first, then the catalogue's own; the same list at start-up and in tests. */
export const CATALOG_MIGRATIONS: MigrationSource[] = [COMMON_MIGRATIONS, { dir: path.join(__dirname, '../migrations'), prefix: 'catalog/' }];
