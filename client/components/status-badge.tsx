import type { OrderStatus, TicketStatus } from '@/lib/api-types';
import { ORDER_STATUS_LABEL, TICKET_STATUS_LABEL } from '@/lib/format';

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge-${status}`}>{TICKET_STATUS_LABEL[status]}</span>;
}

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-order-${status.replace(':', '-')}`}>{ORDER_STATUS_LABEL[status]}</span>;
}
