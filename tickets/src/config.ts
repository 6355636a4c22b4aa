import { configFields, defineService, type ServiceConfig } from '@ticketing/common';

/** Who tickets is and every variable it reads (docs/services/tickets.md). */
export const ticketsService = defineService({
  name: 'tickets',
  port: 3002,
  uses: { database: true, bus: true, sessions: true },
  config: {
    /** Price cap: a ticket's price may exceed its face value by at most this percent; empty = no cap. */
    MAX_MARKUP_PERCENT: configFields.optionalPercent(20),
  },
});

export const configSchema = ticketsService.configSchema;
export type TicketsConfig = ServiceConfig<typeof ticketsService>;
