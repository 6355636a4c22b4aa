'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ApiFailure, Ticket } from '@/lib/api-types';
import { fieldErrors, formErrors } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';
import { priceInput } from '@/lib/format';
import { FormAlert, FormField } from './form-field';

const FIELDS = ['title', 'price'] as const;

/** Sell (no ticket) or edit (the seller's ticket). The API validates; its messages appear beside the fields. */
export function TicketForm({ ticket }: { ticket?: Ticket }) {
  const router = useRouter();
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useFocusFirstInvalid(failure);
  const editing = ticket !== undefined;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { title: String(form.get('title') ?? '').trim(), price: priceInput(String(form.get('price') ?? '')) };
    setBusy(true);
    const result = editing
      ? await api<Ticket>('PUT', `/api/tickets/${ticket.id}`, body)
      : await api<Ticket>('POST', '/api/tickets', body);
    if (!result.ok) {
      setFailure(result);
      setBusy(false);
      return;
    }
    router.push(`/tickets/${result.data.id}`);
    router.refresh();
  }

  const errors = fieldErrors(failure);
  return (
    <form ref={formRef} className="card form" onSubmit={submit} noValidate aria-busy={busy}>
      <FormAlert messages={formErrors(failure, FIELDS)} />
      <FormField
        name="title"
        label="Title"
        defaultValue={ticket?.title}
        maxLength={200}
        required
        autoComplete="off"
        placeholder="e.g. Arctic Monkeys, Wembley, row F"
        error={errors.title}
      />
      <FormField
        name="price"
        label="Price (USD)"
        inputMode="decimal"
        defaultValue={ticket ? ticket.price.toFixed(2) : undefined}
        required
        autoComplete="off"
        placeholder="49.99"
        hint="More than 0, at most 100,000, with up to two decimals."
        error={errors.price}
      />
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        {busy ? 'Saving…' : editing ? 'Save changes' : 'List ticket'}
      </button>
    </form>
  );
}
