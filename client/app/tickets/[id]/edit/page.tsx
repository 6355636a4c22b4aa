import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { TicketForm } from '@/components/ticket-form';
import { currentUser, getTicket } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Edit ticket' };

export default async function EditTicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [result, user] = await Promise.all([getTicket(id), currentUser()]);
  if (!user) redirect(`/signin?next=/tickets/${encodeURIComponent(id)}/edit`);
  if (!result.ok) {
    if (result.status === 404) notFound();
    return <ApiErrorPanel failure={result} title="This ticket could not be loaded" />;
  }
  const ticket = result.data;
  if (ticket.userId !== user.id) {
    return <ApiErrorPanel failure={{ ok: false, status: 403, errors: [{ message: 'Only the seller can edit this ticket.' }] }} title="Not your ticket" />;
  }
  if (ticket.status !== 'available') {
    return (
      <div className="narrow">
        <h1>Edit ticket</h1>
        <div className="notice notice-warning" role="status">
          <p>
            {ticket.status === 'reserved'
              ? 'This ticket is on hold for a buyer, so it can’t be edited right now. If they don’t pay in time, it returns to sale and you can edit it again.'
              : 'This ticket has been sold, so it can no longer be edited.'}
          </p>
        </div>
        <Link href={`/tickets/${ticket.id}`} className="button">
          Back to the ticket
        </Link>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Edit ticket</h1>
      <p className="lead">Buyers see the change at once.</p>
      <TicketForm ticket={ticket} />
    </div>
  );
}
