import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { TicketList } from '@/components/ticket-list';
import type { TicketPage } from '@/lib/api-types';
import { currentUser, serverGet } from '@/lib/server-api';

export const metadata: Metadata = { title: 'My listings' };

export default async function ListingsPage() {
  const user = await currentUser();
  if (!user) redirect('/signin?next=/listings');
  const query = { sellerId: user.id, limit: '24' };
  const result = await serverGet<TicketPage>('tickets', `/api/tickets?${new URLSearchParams(query)}`);
  if (!result.ok) return <ApiErrorPanel failure={result} title="Your listings could not be loaded" />;
  return (
    <>
      <div className="page-head">
        <h1>My listings</h1>
        <Link href="/sell" className="button button-primary">
          Sell a ticket
        </Link>
      </div>
      {result.data.tickets.length === 0 ? (
        <div className="empty">
          <p>You haven’t listed any tickets yet.</p>
        </div>
      ) : (
        <TicketList initial={result.data} query={query} showStatus label="Your tickets" />
      )}
    </>
  );
}
