import Link from 'next/link';
import type { Ticket } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { LocalTime } from './local-time';
import { TicketStatusBadge } from './status-badge';

export function TicketCard({ ticket, showStatus }: { ticket: Ticket; showStatus?: boolean }) {
  return (
    <li className="ticket-card">
      <Link href={`/tickets/${ticket.id}`} className="ticket-card-link">
        <span className="ticket-card-title">{ticket.title}</span>
      </Link>
      <span className="ticket-card-price">{formatPrice(ticket.price)}</span>
      <span className="ticket-card-meta">
        Listed <LocalTime iso={ticket.createdAt} />
      </span>
      {showStatus && <TicketStatusBadge status={ticket.status} />}
    </li>
  );
}
