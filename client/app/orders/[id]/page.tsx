import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { OrderLive } from '@/components/order-live';
import { OrderReceipt } from '@/components/order-receipt';
import { OrderSummary } from '@/components/order-summary';
import type { Order, PaidPayment } from '@/lib/api-types';
import { orderDisplay } from '@/lib/orders';
import { serverGet, stripePublishableKey } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Your order' };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await serverGet<Order>('orders', `/api/orders/${encodeURIComponent(id)}`);
  if (!result.ok) {
    if (result.status === 401) redirect(`/signin?next=/orders/${encodeURIComponent(id)}`);
    if (result.status === 404) notFound();
    return <ApiErrorPanel failure={result} title={result.status === 403 ? 'Not your order' : 'This order could not be loaded'} />;
  }
  const order = result.data;
  const display = orderDisplay(order);
  // An order never paid has no receipt; one whose payments cannot be read now still shows (without it).
  const paid = order.status === 'created' ? null : await serverGet<{ payments: PaidPayment[] }>('payments', `/api/payments?orderId=${encodeURIComponent(order.id)}`);
  const receipt = paid?.ok ? <OrderReceipt order={order} payments={paid.data.payments} /> : null;
  const summary = <OrderSummary order={order} display={display} receipt={receipt} />;
  return <OrderLive initialOrder={order} display={display} summary={summary} serverNow={Date.now()} stripeKey={stripePublishableKey()} />;
}
