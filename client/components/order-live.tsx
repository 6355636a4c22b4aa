'use client';

import { useEffect, useState, type ReactNode } from 'react';
import type { Order } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import type { OrderDisplay } from '@/lib/orders';
import { OrderCheckout } from './order-checkout';
import { OrderTickets } from './order-tickets';

interface OrderLiveProps {
  initialOrder: Order;
  display: OrderDisplay;
  /** The server-rendered summary (event, seats, money). */
  summary: ReactNode;
  serverNow: number;
  stripeKey: string | null;
}

/** Delivery follows payment through events (tickets → orders): a paid order is read again until its tickets arrive. */
const AWAITING_DELIVERY_POLL_MS = 2_000;
const SCHEDULED_DELIVERY_POLL_MS = 5_000;

/** The order page's live part: checkout while holding, then the tickets (or when they are due), kept current. */
export function OrderLive({ initialOrder, display, summary, serverNow, stripeKey }: OrderLiveProps) {
  const [order, setOrder] = useState(initialOrder);
  const waitingForTickets = order.status === 'complete' && order.delivery?.status !== 'delivered';
  const pollMs = order.delivery?.deadline ? SCHEDULED_DELIVERY_POLL_MS : AWAITING_DELIVERY_POLL_MS;

  useEffect(() => {
    if (!waitingForTickets) return;
    let stopped = false;
    const check = async () => {
      if (document.visibilityState !== 'visible') return;
      const result = await api<Order>('GET', `/api/orders/${order.id}`);
      if (!stopped && result.ok) setOrder(result.data);
    };
    const timer = setInterval(check, pollMs);
    document.addEventListener('visibilitychange', check);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', check);
    };
  }, [waitingForTickets, pollMs, order.id]);

  const complete = order.status === 'complete';
  return (
    <div className={complete ? 'order-layout order-layout-complete' : 'order-layout'}>
      {summary}
      {/* serverNow lets the first client render match the server's HTML (no hydration mismatch on the countdown). */}
      <OrderCheckout order={order} setOrder={setOrder} serverNow={serverNow} stripeKey={stripeKey} />
      {complete && <OrderTickets order={order} display={display} />}
    </div>
  );
}
