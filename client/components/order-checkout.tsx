'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { ApiFailure, Order, Payment } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api, sleep } from '@/lib/browser-api';
import { formatPrice } from '@/lib/format';
import { Countdown } from './countdown';
import { OrderStatusBadge } from './status-badge';
import { StripeCardForm } from './stripe-card-form';
import { TestCardForm } from './test-card-form';

const PAYMENTS_CATCH_UP_RETRIES = 5;

interface OrderCheckoutProps {
  /** Owned by the order page (OrderLive), which also shows the tickets once delivered. */
  order: Order;
  setOrder: (order: Order) => void;
  /** When the server rendered the page: the first render shows the same countdown as the server's HTML. */
  serverNow: number;
  stripeKey: string | null;
}

/** What to tell the buyer after a payment attempt that did not succeed. */
function paymentProblem(failure: ApiFailure): string {
  if (failure.status === 402) return `Payment declined: ${firstMessage(failure)} No money was taken. Try another card.`;
  if (failure.status === 409) return `This order can no longer be paid: ${firstMessage(failure)}`;
  return firstMessage(failure);
}

function cancelledTitle(order: Order, paid: boolean, remainingMs: number): string {
  if (order.reason === 'event_cancelled') return 'The event was cancelled';
  if (order.reason === 'not_delivered') return 'Not delivered: refunded';
  if (paid) return 'Payment refunded';
  if (order.reason === 'expired' || (order.reason === null && remainingMs <= 0)) return 'Your hold has expired';
  return 'Order cancelled';
}

export function OrderCheckout({ order, setOrder, serverNow, stripeKey }: OrderCheckoutProps) {
  const [now, setNow] = useState(serverNow);
  const [paying, setPaying] = useState(false);
  const [paid, setPaid] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [cancelling, setCancelling] = useState(false);

  const expiresAt = Date.parse(order.expiresAt);
  const remainingMs = expiresAt - now;
  const holding = order.status === 'created';
  const expired = holding && remainingMs <= 0 && !paid;
  const eventHref = order.event ? `/events/${order.event.id}` : null;

  // Then the browser's clock. Not corrected by serverNow: a page restored from the router cache on Back carries an
  // old serverNow, which would skew the countdown by however long ago that was.
  useEffect(() => {
    if (!holding) return;
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [holding]);

  const refresh = useCallback(async () => {
    const result = await api<Order>('GET', `/api/orders/${order.id}`);
    if (result.ok) setOrder(result.data);
    return result.ok ? result.data : null;
  }, [order.id, setOrder]);

  /** The order's status follows the payment a moment later (events between services): watch until it settles. */
  const settle = useCallback(
    async (isSettled: (o: Order) => boolean, attempts: number, intervalMs: number) => {
      for (let i = 0; i < attempts; i++) {
        const latest = await refresh();
        if (latest && isSettled(latest)) return;
        await sleep(intervalMs);
      }
    },
    [refresh],
  );

  useEffect(() => {
    if (expired) void settle((o) => o.status !== 'created', 15, 1000);
  }, [expired, settle]);

  useEffect(() => {
    if (order.status === 'awaiting:payment') void settle((o) => o.status !== 'awaiting:payment', 40, 500);
    // Only for the state the page opened in: later transitions are watched by whoever caused them.
  }, []);

  async function pay(token: string) {
    setFailure(null);
    setPaying(true);
    let result = await api<Payment>('POST', '/api/payments', { orderId: order.id, token });
    // Payments learns of a new order from an event a moment after it is created; until then it answers 404.
    for (let attempt = 1; !result.ok && result.status === 404 && attempt <= PAYMENTS_CATCH_UP_RETRIES; attempt++) {
      await sleep(300 * attempt);
      result = await api<Payment>('POST', '/api/payments', { orderId: order.id, token });
    }
    setPaying(false);
    if (!result.ok) {
      setFailure(result);
      if (result.status === 409) void refresh();
      return;
    }
    setPaid(true);
    await settle((o) => o.status === 'complete' || o.status === 'cancelled', 40, 500);
  }

  async function cancel() {
    setCancelling(true);
    const result = await api<void>('DELETE', `/api/orders/${order.id}`);
    setCancelling(false);
    if (!result.ok) setFailure(result);
    await refresh();
  }

  return (
    <section className="card checkout" aria-labelledby="checkout-title">
      <div className="checkout-head">
        <h2 id="checkout-title">Checkout</h2>
        <OrderStatusBadge status={paid && order.status === 'created' ? 'awaiting:payment' : order.status} />
      </div>

      {order.status === 'complete' && (
        <div className="notice notice-success" role="status">
          <p className="notice-title">Order complete</p>
          <p>
            Payment received. {order.quantity === 1 ? 'The ticket is yours' : 'The tickets are yours'}
            {order.delivery?.status === 'delivered' ? ': show ' + (order.quantity === 1 ? 'it' : 'them') + ' at the door from this page.' : '.'}
          </p>
          <p>
            <Link href="/orders">See all your orders</Link>
          </p>
        </div>
      )}

      {order.status === 'cancelled' && (
        <div className="notice" role="status">
          <p className="notice-title">{cancelledTitle(order, paid, remainingMs)}</p>
          <p>
            {order.reason === 'not_delivered'
              ? `The seller did not deliver; you were refunded ${formatPrice(order.total)} in full.`
              : paid
              ? 'The hold ended before your payment was confirmed, so the charge is refunded in full.'
              : order.quantity === 1
                ? 'The ticket went back on sale.'
                : 'The tickets went back on sale.'}{' '}
            {eventHref && <Link href={eventHref}>See the event’s tickets</Link>}
          </p>
        </div>
      )}

      {(order.status === 'awaiting:payment' || (paid && order.status === 'created')) && (
        <div className="notice" role="status">
          <p className="notice-title">Payment received</p>
          <p>Confirming your order…</p>
        </div>
      )}

      {expired && order.status === 'created' && (
        <div className="notice notice-warning" role="status">
          <p className="notice-title">Your hold has expired</p>
          <p>
            You didn’t pay in time, so {order.quantity === 1 ? 'the ticket' : 'the tickets'} went back on sale.{' '}
            {eventHref && <Link href={eventHref}>See what is still available</Link>}
          </p>
        </div>
      )}

      {failure && (
        <div className="alert alert-error" role="alert">
          <p>{paymentProblem(failure)}</p>
        </div>
      )}

      {holding && !expired && !paid && (
        <>
          <Countdown remainingMs={remainingMs} totalMs={expiresAt - Date.parse(order.createdAt)} />
          {stripeKey ? (
            <StripeCardForm publishableKey={stripeKey} busy={paying} onToken={pay} amount={order.total} />
          ) : (
            <TestCardForm busy={paying} onToken={pay} amount={order.total} failure={failure} />
          )}
          <button type="button" className="button button-ghost button-block" onClick={cancel} disabled={cancelling || paying}>
            {cancelling ? 'Cancelling…' : order.quantity === 1 ? 'Cancel and release the ticket' : 'Cancel and release the tickets'}
          </button>
        </>
      )}
    </section>
  );
}
