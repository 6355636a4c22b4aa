'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ApiFailure, Order, Ticket } from '@/lib/api-types';
import { firstMessage } from '@/lib/api-errors';
import { api, sleep } from '@/lib/browser-api';

// A ticket listed moments ago reaches the orders service a little later (docs/api.md): until then it answers 404.
const NOT_YET_ORDERABLE_RETRIES = 8;

export type Viewer = 'anonymous' | 'seller' | 'buyer';

interface TicketActionsProps {
  ticket: Ticket;
  viewer: Viewer;
  /** The viewer's own order holding or owning this ticket, when there is one. */
  ownOrderId: string | null;
}

/**
 * What the viewer can do with the ticket now. Stays mounted across router.refresh(), so a lost race keeps its
 * message on screen while the status around it updates.
 */
export function TicketActions({ ticket, viewer, ownOrderId }: TicketActionsProps) {
  const router = useRouter();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [state, setState] = useState<'idle' | 'busy' | 'waiting'>('idle');

  async function buy() {
    setFailure(null);
    setState('busy');
    for (let attempt = 0; ; attempt++) {
      const result = await api<Order>('POST', '/api/orders', { ticketId: ticket.id });
      if (result.ok) {
        router.push(`/orders/${result.data.id}`);
        return;
      }
      if (result.status === 404 && attempt < NOT_YET_ORDERABLE_RETRIES) {
        setState('waiting');
        await sleep(250 * (attempt + 1));
        continue;
      }
      setFailure(result);
      setState('idle');
      if (result.status === 409) router.refresh();
      return;
    }
  }

  return (
    <div className="ticket-actions">
      {failure && (
        <p className="alert alert-error" role="alert">
          {failure.status === 409 ? `Someone got there first. ${firstMessage(failure)}` : firstMessage(failure)}
        </p>
      )}
      {ticket.status === 'available' && viewer === 'buyer' && (
        <button type="button" className="button button-primary button-large" onClick={buy} disabled={state !== 'idle'}>
          {state === 'idle' ? 'Buy' : state === 'waiting' ? 'Getting the ticket ready…' : 'Holding your ticket…'}
        </button>
      )}
      {ticket.status === 'available' && viewer === 'anonymous' && (
        <Link href={`/signin?next=/tickets/${ticket.id}`} className="button button-primary button-large">
          Sign in to buy
        </Link>
      )}
      {ticket.status === 'available' && viewer === 'seller' && (
        <>
          <p className="muted">This is your listing.</p>
          <Link href={`/tickets/${ticket.id}/edit`} className="button button-large">
            Edit
          </Link>
        </>
      )}
      {ticket.status === 'reserved' && <HeldMessage viewer={viewer} ownOrderId={ownOrderId} />}
      {ticket.status === 'sold' && (
        <div className="notice" role="status">
          {ownOrderId ? (
            <p>
              You bought this ticket. <Link href={`/orders/${ownOrderId}`}>See your order</Link>.
            </p>
          ) : (
            <p>
              <strong>Sold.</strong> {viewer === 'seller' ? 'Your ticket found a buyer.' : 'This ticket is no longer for sale.'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function HeldMessage({ viewer, ownOrderId }: { viewer: Viewer; ownOrderId: string | null }) {
  return (
    <div className="notice notice-warning" role="status">
      {ownOrderId ? (
        <p>
          <strong>Held for you.</strong> <Link href={`/orders/${ownOrderId}`}>Continue to payment</Link> before the hold runs out.
        </p>
      ) : viewer === 'seller' ? (
        <p>
          <strong>On hold: a buyer is paying for it.</strong> You can’t edit it while it is held. If they don’t pay in time,
          it returns to sale and you can edit it again.
        </p>
      ) : (
        <p>
          <strong>On hold: someone is buying this ticket right now.</strong> If they don’t pay in time, it comes back on
          sale.
        </p>
      )}
    </div>
  );
}
