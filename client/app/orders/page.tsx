import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { OrderList } from '@/components/order-list';
import type { OrderPage } from '@/lib/api-types';
import { orderDisplay } from '@/lib/orders';
import { serverGet } from '@/lib/server-api';

export const metadata: Metadata = { title: 'My orders' };

const PAGE_SIZE = '20';

export default async function OrdersPage() {
  const result = await serverGet<OrderPage>('orders', `/api/orders?limit=${PAGE_SIZE}`);
  if (!result.ok) {
    if (result.status === 401) redirect('/signin?next=/orders');
    return <ApiErrorPanel failure={result} title="Your orders could not be loaded" />;
  }
  const { orders, nextCursor } = result.data;
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
        <OrderList initial={orders.map((o) => ({ ...o, display: orderDisplay(o) }))} initialCursor={nextCursor} pageSize={PAGE_SIZE} />
      )}
    </>
  );
}
