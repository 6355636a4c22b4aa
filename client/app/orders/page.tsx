import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { LocalTime } from '@/components/local-time';
import { OrderStatusBadge } from '@/components/status-badge';
import type { Order } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { serverGet } from '@/lib/server-api';

export const metadata: Metadata = { title: 'My orders' };

export default async function OrdersPage() {
  const result = await serverGet<Order[]>('orders', '/api/orders');
  if (!result.ok) {
    if (result.status === 401) redirect('/signin?next=/orders');
    return <ApiErrorPanel failure={result} title="Your orders could not be loaded" />;
  }
  const orders = result.data;
  return (
    <>
      <h1>My orders</h1>
      {orders.length === 0 ? (
        <div className="empty">
          <p>You haven’t bought anything yet.</p>
          <Link href="/" className="button button-primary">
            Browse events
          </Link>
        </div>
      ) : (
        <ul className="rows" aria-label="Orders">
          {orders.map((order) => (
            <li key={order.id} className="row">
              <Link href={`/orders/${order.id}`} className="row-title">
                {order.ticket.title}
              </Link>
              <span className="row-price">{formatPrice(order.ticket.price)}</span>
              <span className="row-meta">
                Ordered <LocalTime iso={order.createdAt} />
              </span>
              <OrderStatusBadge status={order.status} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
