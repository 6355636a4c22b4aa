import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { MyListings } from '@/components/listings/my-listings';
import { listingWhen } from '@/lib/listings';
import { searchParam } from '@/lib/format';
import { currentUser, findListings } from '@/lib/server-api';

export const metadata: Metadata = { title: 'My listings' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ListingsPage({ searchParams }: Props) {
  const user = await currentUser();
  if (!user) redirect('/signin?next=/listings');
  const listed = searchParam((await searchParams).listed) || null;
  const query = { sellerId: user.id, limit: '20' };
  const result = await findListings(query);
  if (!result.ok) return <ApiErrorPanel failure={result} title="Your listings could not be loaded" />;
  const { listings, nextCursor } = result.data;
  const justListed = listed ? listings.find((l) => l.id === listed) : undefined;
  return (
    <>
      <div className="page-head">
        <h1>My listings</h1>
        <Link href="/sell" className="button button-primary">
          Sell tickets
        </Link>
      </div>
      {justListed && (
        <div className="notice notice-success" role="status">
          <p className="notice-title">Listed</p>
          {justListed.status === 'pending' ? (
            <p>Your listing goes on sale once every ticket is attached: attach the rest below.</p>
          ) : (
            <p>
              Your {justListed.quantity === 1 ? 'ticket is' : `${justListed.quantity} tickets are`} on sale now.{' '}
              <Link href={`/events/${justListed.eventId}`}>See it on the event’s page</Link>
            </p>
          )}
        </div>
      )}
      {listings.length === 0 ? (
        <div className="empty">
          <p>You haven’t listed any tickets yet.</p>
        </div>
      ) : (
        <MyListings initial={listings.map((l) => ({ ...l, when: listingWhen(l) }))} initialCursor={nextCursor} query={query} listedId={listed} />
      )}
    </>
  );
}
