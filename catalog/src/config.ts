import { defineService, type ServiceConfig } from '@ticketing/common';

/** Who catalog is and every variable it reads (docs/services/catalog.md). */
export const catalogService = defineService({
  name: 'catalog',
  port: 3006,
  uses: { database: true, bus: true, sessions: true },
});

export const configSchema = catalogService.configSchema;
export type CatalogConfig = ServiceConfig<typeof catalogService>;
