import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SellForm } from '@/components/sell/sell-form';
import { eventView } from '@/lib/events';
import { searchParam } from '@/lib/format';
import { currentUser, feeTerms, getEvent, listingTerms } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sell tickets' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SellPage({ searchParams }: Props) {
  const eventId = searchParam((await searchParams).eventId);
  if (!(await currentUser())) redirect(`/signin?next=${encodeURIComponent(eventId ? `/sell?eventId=${eventId}` : '/sell')}`);
  const [terms, fees, event] = await Promise.all([listingTerms(), feeTerms(), eventId ? getEvent(eventId) : null]);
  // An event from the event page's "Sell tickets" link starts picked, when it can still be sold for.
  const initial = event?.ok && event.data.status === 'scheduled' ? eventView(event.data) : null;
  return (
    <>
      <h1>Sell tickets</h1>
      <p className="lead">List the seats you can’t use. Buyers see them at once, and pay you after the event.</p>
      <SellForm terms={terms.ok ? terms.data : null} fees={fees.ok ? fees.data : null} initialEvent={initial && !initial.display.over ? initial : null} />
    </>
  );
}
