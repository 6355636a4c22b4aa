import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ApiErrorPanel } from '@/components/api-error-panel';
import { LocalTime } from '@/components/local-time';
import { TicketStatusBadge } from '@/components/status-badge';
import { TicketActions, type Viewer } from '@/components/ticket-actions';
import type { Order, Ticket, User } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { currentUser, getTicket, serverGet } from '@/lib/server-api';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const result = await getTicket((await params).id);
  return { title: result.ok ? result.data.title : 'Ticket' };
}

/** Whether the order holding or owning the ticket is the viewer's: only its buyer may read it. */
async function viewersOrderId(ticket: Ticket, user: User | null): Promise<string | null> {
  if (!user || !ticket.orderId || ticket.userId === user.id) return null;
  const order = await serverGet<Order>('orders', `/api/orders/${encodeURIComponent(ticket.orderId)}`);
  return order.ok && order.data.userId === user.id ? order.data.id : null;
}

export default async function TicketPage({ params }: Props) {
  const { id } = await params;
  const [result, user] = await Promise.all([getTicket(id), currentUser()]);
  if (!result.ok) {
    if (result.status === 404) notFound();
    return <ApiErrorPanel failure={result} title="This ticket could not be loaded" />;
  }
  const ticket = result.data;
  const viewer: Viewer = !user ? 'anonymous' : user.id === ticket.userId ? 'seller' : 'buyer';
  const ownOrderId = await viewersOrderId(ticket, user);

  return (
    <article className="ticket-detail card">
      <div className="ticket-detail-head">
        <h1>{ticket.title}</h1>
        <TicketStatusBadge status={ticket.status} />
      </div>
      <p className="ticket-detail-price">{formatPrice(ticket.price)}</p>
      <dl className="facts">
        <div>
          <dt>Listed</dt>
          <dd>
            <LocalTime iso={ticket.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{ticket.status === 'available' ? 'For sale' : ticket.status === 'reserved' ? 'On hold' : 'Sold'}</dd>
        </div>
      </dl>
      <TicketActions ticket={ticket} viewer={viewer} ownOrderId={ownOrderId} />
    </article>
  );
}
