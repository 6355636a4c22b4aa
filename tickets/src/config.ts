import { defineService, type ServiceConfig } from '@ticketing/common';

/** Who tickets is and every variable it reads (docs/services/tickets.md). */
export const ticketsService = defineService({
  name: 'tickets',
  port: 3002,
  uses: { database: true, bus: true, sessions: true },
});

export const configSchema = ticketsService.configSchema;
export type TicketsConfig = ServiceConfig<typeof ticketsService>;
