import { notFound, redirect } from 'next/navigation';
import { getListing } from '@/lib/server-api';

/**
 * An old ticket link: a ticket from before listings is now a one-ticket listing with the same id, shown on its
 * event's page. Links from elsewhere keep working.
 */
export default async function OldTicketPage({ params }: { params: Promise<{ id: string }> }) {
  const result = await getListing((await params).id);
  if (!result.ok) notFound();
  redirect(`/events/${result.data.eventId}`);
}
