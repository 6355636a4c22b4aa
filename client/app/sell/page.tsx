import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { TicketForm } from '@/components/ticket-form';
import { currentUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sell a ticket' };

export default async function SellPage() {
  if (!(await currentUser())) redirect('/signin?next=/sell');
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="lead">Buyers see it at once. While someone is paying for it, it is held for them and cannot be edited.</p>
      <TicketForm />
    </div>
  );
}
