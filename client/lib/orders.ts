import { formatLocalTime } from '@ticketing/common/time';
import type { Order } from './api-types';
import { placeText, seatsPhrase } from './market';

/** The texts an order is shown with, made where it is fetched (the server), so server and browser agree. */
export interface OrderDisplay {
  eventName: string;
  /** The event's start at the venue ("Sun 21 Jun 2026, 19:30 BST"), or null when the order does not know its event. */
  when: string | null;
  venue: string | null;
  place: string;
  seats: string;
}

export function orderDisplay(order: Order): OrderDisplay {
  const event = order.event;
  return {
    eventName: event?.name ?? 'Event details unavailable',
    when: event ? formatLocalTime(new Date(event.startsAt), event.timeZone) : null,
    venue: event ? `${event.venue.name}, ${event.venue.city}` : null,
    place: placeText(order.section, order.row),
    seats: seatsPhrase(order.tickets.map((t) => t.seat)),
  };
}
