'use client';

import type { Order } from '@/lib/api-types';
import { deadlineFull } from '@/lib/deadlines';
import type { OrderDisplay } from '@/lib/orders';
import { TicketPass } from './ticket-pass';

/**
 * A paid order's tickets, as the buyer shows them at the door: each with its seat, its barcode as a code to scan and
 * its PDF; or, until the seller delivers, by when they must (else the buyer is refunded in full).
 */
export function OrderTickets({ order, display }: { order: Order; display: OrderDisplay }) {
  const one = order.quantity === 1;
  const delivery = order.delivery;
  return (
    <section className="card order-tickets" id="tickets" aria-labelledby="tickets-title">
      <h2 id="tickets-title">{one ? 'Your ticket' : 'Your tickets'}</h2>
      <p className="muted small">
        {display.eventName}
        {display.when ? ` · ${display.when}` : ''}
        {display.venue ? ` · ${display.venue}` : ''}
      </p>
      {delivery?.status === 'delivered' ? (
        <ul className="passes" aria-label="Tickets">
          {order.tickets.map((ticket, index) => (
            <TicketPass key={ticket.id} ticket={ticket} index={index} place={display.place} />
          ))}
        </ul>
      ) : delivery?.deadline ? (
        <div className="notice" role="status" data-testid="delivery-pending">
          <p className="notice-title">Awaiting delivery</p>
          <p>
            The seller delivers your {one ? 'ticket' : 'tickets'} by <time dateTime={delivery.deadline}>{deadlineFull(delivery.deadline, order.event?.timeZone)}</time>; if they
            don’t, you are refunded in full.
          </p>
          <p className="muted small">{one ? 'It appears' : 'They appear'} here as soon as the seller uploads {one ? 'it' : 'them'}: this page checks by itself.</p>
        </div>
      ) : (
        <div className="notice" role="status" data-testid="delivery-pending">
          <p className="notice-title">Getting your {one ? 'ticket' : 'tickets'} ready…</p>
          <p>{one ? 'It appears' : 'They appear'} here in a moment.</p>
        </div>
      )}
    </section>
  );
}
