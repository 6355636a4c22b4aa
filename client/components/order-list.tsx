'use client';

import Link from 'next/link';
import type { Order, OrderPage } from '@/lib/api-types';
import { formatPrice, ticketsCount } from '@/lib/format';
import { orderDisplay, type OrderDisplay } from '@/lib/orders';
import { useCursorPages } from '@/lib/use-cursor-pages';
import { LoadMore } from './load-more';
import { LocalTime } from './local-time';
import { OrderStatusBadge } from './status-badge';

type ShownOrder = Order & { display: OrderDisplay };

/** The buyer's orders, newest first: the event and its local date, the seats, how many, the total, the status. */
export function OrderList({ initial, initialCursor, pageSize }: { initial: ShownOrder[]; initialCursor: string | null; pageSize: string }) {
  const pages = useCursorPages<OrderPage, ShownOrder>({
    initial,
    initialCursor,
    path: '/api/orders',
    query: { limit: pageSize },
    itemsOf: (page) => page.orders.map((o) => ({ ...o, display: orderDisplay(o) })),
  });
  return (
    <>
      <ul className="rows order-rows" aria-label="Orders">
        {pages.items.map((order) => (
          <li key={order.id} className="row order-row">
            <Link href={`/orders/${order.id}`} className="row-title">
              {order.display.eventName}
            </Link>
            <span className="row-price">{formatPrice(order.total)}</span>
            <OrderStatusBadge status={order.status} />
            <span className="row-meta">
              {order.display.when && <span className="order-row-when">{order.display.when}</span>}
              <span>
                {ticketsCount(order.quantity)} · {order.display.place} · {order.display.seats}
              </span>
              <span>
                Ordered <LocalTime iso={order.createdAt} />
              </span>
              {deliveryNote(order) && <span className="order-row-delivery">{deliveryNote(order)}</span>}
            </span>
          </li>
        ))}
      </ul>
      <LoadMore more={pages.more} busy={pages.busy} failure={pages.failure} label="More orders" />
    </>
  );
}

/** Where a paid order's tickets stand, at a glance: ready to show, or still owed by the seller; or refunded. */
function deliveryNote(order: Order): string | null {
  if (order.status === 'cancelled' && order.reason === 'not_delivered') return 'Not delivered: refunded in full';
  if (order.status !== 'complete') return null;
  if (order.delivery?.status === 'delivered') return order.quantity === 1 ? 'Ticket ready' : 'Tickets ready';
  return 'Awaiting delivery';
}
