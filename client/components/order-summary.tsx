import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Order } from '@/lib/api-types';
import { formatPrice, ticketsCount } from '@/lib/format';
import type { OrderDisplay } from '@/lib/orders';

/**
 * What the order is for and what it costs: the amounts the order fixed when it was created, never recomputed.
 * `receipt` (what was paid and refunded) goes under the breakdown.
 */
export function OrderSummary({ order, display, receipt }: { order: Order; display: OrderDisplay; receipt?: ReactNode }) {
  const subtotal = Math.round(order.unitPrice * order.quantity * 100) / 100;
  return (
    <section className="card order-summary" aria-labelledby="order-title">
      <p className="eyebrow">Your order · {ticketsCount(order.quantity)}</p>
      <h1 id="order-title" className="order-event">
        {display.eventName}
      </h1>
      {display.when && order.event && (
        <p className="order-when">
          <time dateTime={order.event.startsAt}>{display.when}</time>
        </p>
      )}
      {display.venue && <p className="muted">{display.venue}</p>}
      <dl className="order-seats">
        <div>
          <dt>Section</dt>
          <dd>{order.section}</dd>
        </div>
        {order.row && (
          <div>
            <dt>Row</dt>
            <dd>{order.row}</dd>
          </div>
        )}
        <div>
          <dt>{order.tickets.some((t) => t.seat) ? 'Seats' : 'Admission'}</dt>
          <dd data-testid="order-seats">{display.seats.replace(/^Seats? /, '')}</dd>
        </div>
      </dl>
      <table className="breakdown" aria-label="Price breakdown">
        <tbody>
          <tr>
            <th scope="row">
              {order.quantity} × {formatPrice(order.unitPrice)}
            </th>
            <td data-testid="order-subtotal">{formatPrice(subtotal)}</td>
          </tr>
          <tr>
            <th scope="row">Service fee</th>
            <td data-testid="order-fee">{formatPrice(order.buyerFee)}</td>
          </tr>
          <tr className="breakdown-total">
            <th scope="row">Total</th>
            <td data-testid="order-total">{formatPrice(order.total)}</td>
          </tr>
        </tbody>
      </table>
      {receipt}
      <p className="muted small">
        {order.event && (
          <>
            <Link href={`/events/${order.event.id}`}>Back to the event</Link> ·{' '}
          </>
        )}
        <Link href="/orders">All my orders</Link>
      </p>
    </section>
  );
}
