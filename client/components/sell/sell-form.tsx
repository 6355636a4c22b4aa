'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { splitRefusal } from '@ticketing/common/market';
import type { ApiFailure, DeliveryMethod, FeeTerms, Listing, ListingTerms, SplitRule } from '@/lib/api-types';
import { fieldErrors, formErrors } from '@/lib/api-errors';
import { api } from '@/lib/browser-api';
import type { EventView } from '@/lib/events';
import { formatPrice, priceInput, ticketsCount } from '@/lib/format';
import { parseSeats, priceCap, SPLIT_RULES } from '@/lib/market';
import { ticketLabel } from '@/lib/ticket-items';
import { useItemRows } from '@/lib/use-item-rows';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';
import { FormAlert, FormField } from '../form-field';
import { DeliveryStep } from './delivery-step';
import { EventPicker } from './event-picker';
import { SellPreview } from './sell-preview';

const FIELDS = ['eventId', 'section', 'row', 'seats', 'quantity', 'price', 'faceValue', 'split', 'delivery'] as const;

type Kind = 'numbered' | 'unnumbered';

interface SellFormProps {
  terms: ListingTerms | null;
  fees: FeeTerms | null;
  initialEvent: EventView | null;
}

const amount = (text: string): number | null => {
  const value = priceInput(text);
  return typeof value === 'number' && value > 0 ? value : null;
};

/** The sell flow: the event, the tickets (seats or a quantity), prices under the cap, the split rule, delivery. */
export function SellForm({ terms, fees, initialEvent }: SellFormProps) {
  const router = useRouter();
  const [event, setEvent] = useState<EventView | null>(initialEvent);
  const [kind, setKind] = useState<Kind>('numbered');
  const [seatsText, setSeatsText] = useState('');
  const [quantityText, setQuantityText] = useState('2');
  const [faceText, setFaceText] = useState('');
  const [priceText, setPriceText] = useState('');
  const [split, setSplit] = useState<SplitRule>('any');
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [delivery, setDelivery] = useState<DeliveryMethod>('later');
  const items = useItemRows();
  /** An instant listing once created: pending until every ticket is attached; the form then only retries uploads. */
  const [listed, setListed] = useState<Listing | null>(null);
  const [attached, setAttached] = useState(0);
  const formRef = useFocusFirstInvalid(failure);
  const max = terms?.maxTicketsPerListing ?? 100;

  const seats = kind === 'numbered' && seatsText.trim() ? parseSeats(seatsText, max) : null;
  const quantity = kind === 'unnumbered' && /^\d+$/.test(quantityText.trim()) ? Number(quantityText.trim()) : null;
  const count = kind === 'numbered' ? (seats && 'seats' in seats ? seats.seats.length : 0) : (quantity ?? 0);
  const faceValue = amount(faceText);
  const price = amount(priceText);
  const cap = faceValue !== null && terms ? priceCap(faceValue, terms.maxMarkupPercent) : null;
  const instantAllowed = !terms || terms.deliveries.includes('instant');
  const seatLabels = kind === 'numbered' ? (seats && 'seats' in seats ? seats.seats : []) : Array.from({ length: Math.min(count, max) }, () => null);
  const itemLabels = (listed ? listed.tickets.map((t) => t.seat) : seatLabels).map(ticketLabel);

  /** What the form can tell before asking the API (which checks everything again). */
  function localProblems(): Record<string, string> {
    const problems: Record<string, string> = {};
    if (!event) problems.eventId = 'Pick the event your tickets are for.';
    if (kind === 'numbered' && !seats) problems.seats = 'Enter the seat numbers, e.g. 11–14.';
    if (seats && 'error' in seats) problems.seats = seats.error;
    if (kind === 'unnumbered' && (quantity === null || quantity < 1 || quantity > max)) problems.quantity = `Enter how many tickets, from 1 to ${max}.`;
    if (cap !== null && price !== null && price > cap) {
      problems.price = `At most ${formatPrice(cap)} per ticket: ${terms?.maxMarkupPercent}% over the face value of ${formatPrice(faceValue!)}.`;
    }
    const refusal = count > 0 ? splitRefusal(split, count) : null;
    if (refusal) problems.split = refusal;
    return problems;
  }

  /** Each ticket of the pending listing gets its row's item; on sale once all are in (else the rows say what failed). */
  async function uploadItems(listing: Listing) {
    setBusy(true);
    setFailure(null);
    const done = await items.upload(
      listing.tickets.map((t, index) => ({ index, ticketId: t.id })),
      setAttached,
    );
    setBusy(false);
    if (done === listing.tickets.length) {
      router.push(`/listings?listed=${listing.id}`);
      router.refresh();
      return;
    }
    const left = listing.tickets.length - done;
    setFailure({
      ok: false,
      status: 400,
      errors: [{ message: `${left} of ${ticketsCount(listing.tickets.length)} could not be attached: fix ${left === 1 ? 'it' : 'them'} below and try again. Your listing goes on sale once every ticket is attached.` }],
    });
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (listed) return uploadItems(listed);
    const form = new FormData(e.currentTarget);
    const problems = localProblems();
    const itemsFine = delivery === 'instant' ? await items.check(seatLabels.map((_, i) => i)) : true;
    if (Object.keys(problems).length > 0 || !itemsFine) {
      const errors = Object.entries(problems).map(([field, message]) => ({ field, message }));
      if (!itemsFine) errors.push({ field: 'items', message: 'Some tickets are missing their barcode, or their file is not a PDF: see the delivery step.' });
      setFailure({ ok: false, status: 400, errors });
      return;
    }
    const row = String(form.get('row') ?? '').trim();
    const body = {
      eventId: event!.id,
      section: String(form.get('section') ?? '').trim(),
      ...(row ? { row } : {}),
      ...(kind === 'numbered' && seats && 'seats' in seats ? { seats: seats.seats } : { quantity }),
      faceValue: priceInput(faceText),
      price: priceInput(priceText),
      split,
      delivery,
    };
    setBusy(true);
    const result = await api<Listing>('POST', '/api/listings', body);
    if (!result.ok) {
      setFailure(result);
      setBusy(false);
      return;
    }
    if (delivery === 'instant') {
      const ordered = orderedLike(result.data, seatLabels);
      setListed(ordered);
      return uploadItems(ordered);
    }
    router.push(`/listings?listed=${result.data.id}`);
    router.refresh();
  }

  /** A field's message goes once the seller changes that field (the next submit checks again). */
  function edited(...fields: string[]) {
    setFailure((f) => (f && f.errors.some((e) => e.field && fields.includes(e.field)) ? { ...f, errors: f.errors.filter((e) => !e.field || !fields.includes(e.field)) } : f));
  }

  const errors = fieldErrors(failure);
  return (
    <form ref={formRef} className="sell-form" onSubmit={submit} noValidate aria-busy={busy}>
      <div className="sell-steps">
        <FormAlert messages={formErrors(failure, FIELDS)} />
        <fieldset className="card sell-step" disabled={listed !== null}>
          <legend>1. The event</legend>
          <EventPicker
            selected={event}
            onSelect={(picked) => {
              setEvent(picked);
              edited('eventId');
            }}
            error={errors.eventId}
          />
        </fieldset>

        <fieldset className="card sell-step" disabled={listed !== null}>
          <legend>2. Your tickets</legend>
          <div className="choice-row" role="radiogroup" aria-label="Seating">
            <label className="choice">
              <input type="radio" name="kind" value="numbered" checked={kind === 'numbered'} onChange={() => setKind('numbered')} />
              Numbered seats
            </label>
            <label className="choice">
              <input type="radio" name="kind" value="unnumbered" checked={kind === 'unnumbered'} onChange={() => setKind('unnumbered')} />
              General admission (no seat numbers)
            </label>
          </div>
          <div className="field-pair">
            <FormField
              name="section"
              label="Section"
              required
              maxLength={100}
              autoComplete="off"
              placeholder={kind === 'numbered' ? 'e.g. Block 512' : 'e.g. Standing'}
              defaultValue={kind === 'unnumbered' ? 'General admission' : undefined}
              key={kind}
              error={errors.section}
            />
            <FormField name="row" label="Row (optional)" maxLength={20} autoComplete="off" placeholder="e.g. F" error={errors.row} />
          </div>
          {kind === 'numbered' ? (
            <FormField
              name="seats"
              label="Seats"
              autoComplete="off"
              placeholder="e.g. 11–14, or A1, A2"
              value={seatsText}
              onChange={(e) => {
                setSeatsText(e.target.value);
                edited('seats', 'split');
              }}
              hint={seats && 'seats' in seats ? `${seats.seats.length} ${seats.seats.length === 1 ? 'seat' : 'seats'}: ${seats.seats.join(', ')}` : 'A range of numbers (11–14) or labels separated by commas.'}
              error={errors.seats}
            />
          ) : (
            <FormField
              name="quantity"
              label="Number of tickets"
              inputMode="numeric"
              autoComplete="off"
              value={quantityText}
              onChange={(e) => {
                setQuantityText(e.target.value);
                edited('quantity', 'split');
              }}
              hint={`From 1 to ${max}.`}
              error={errors.quantity}
            />
          )}
        </fieldset>

        <fieldset className="card sell-step" disabled={listed !== null}>
          <legend>3. Price per ticket</legend>
          <div className="field-pair">
            <FormField
              name="faceValue"
              label="Face value per ticket (USD)"
              inputMode="decimal"
              autoComplete="off"
              placeholder="60.00"
              value={faceText}
              onChange={(e) => {
                setFaceText(e.target.value);
                edited('faceValue', 'price');
              }}
              hint="What is printed on the ticket."
              error={errors.faceValue}
            />
            <FormField
              name="price"
              label="Price per ticket (USD)"
              inputMode="decimal"
              autoComplete="off"
              placeholder="65.00"
              value={priceText}
              onChange={(e) => {
                setPriceText(e.target.value);
                edited('price');
              }}
              hint={capHint(terms, cap)}
              error={errors.price}
            />
          </div>
        </fieldset>

        <fieldset className="card sell-step" disabled={listed !== null} aria-describedby={errors.split ? 'field-split-error' : undefined}>
          <legend>4. How buyers may split them</legend>
          <div className="choice-list">
            {SPLIT_RULES.map((rule) => (
              <label key={rule.value} className="choice choice-explained">
                <input type="radio" name="split" value={rule.value} checked={split === rule.value} onChange={() => {
                setSplit(rule.value);
                edited('split');
              }} />
                <span>
                  <span className="choice-label">{rule.label}</span>
                  <span className="choice-explanation">{rule.explained}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.split && (
            <p id="field-split-error" className="field-error">
              {errors.split}
            </p>
          )}
        </fieldset>

        <DeliveryStep
          delivery={delivery}
          onDelivery={(d) => {
            setDelivery(d);
            edited('delivery', 'items');
          }}
          instantAllowed={instantAllowed}
          labels={itemLabels}
          row={items.row}
          onDraft={(i, draft) => {
            items.setDraft(i, draft);
            edited('items');
          }}
          listed={listed !== null}
          error={errors.delivery}
        />
      </div>

      <aside className="card sell-summary" aria-labelledby="sell-summary-title">
        <h2 id="sell-summary-title">What buyers pay, what you receive</h2>
        <SellPreview price={price} count={count} split={split} fees={fees} />
        {listed && (
          <p className="upload-progress" role="status">
            {busy ? (
              `Attaching tickets: ${attached} of ${listed.tickets.length} done…`
            ) : (
              <>
                {attached} of {ticketsCount(listed.tickets.length)} attached. Not on sale yet: you can also finish from <Link href="/listings">My listings</Link>.
              </>
            )}
          </p>
        )}
        <button type="submit" className="button button-primary button-block button-large" disabled={busy}>
          {submitLabel(busy, listed, count)}
        </button>
        <p className="muted small">
          {delivery === 'instant'
            ? 'Buyers see your listing once every ticket is attached. Tickets someone is paying for are held for them and can’t be changed.'
            : 'Buyers see your listing at once. Tickets someone is paying for are held for them and can’t be changed.'}
        </p>
      </aside>
    </form>
  );
}

function capHint(terms: ListingTerms | null, cap: number | null): string {
  if (!terms) return 'More than 0, at most 100,000.';
  if (terms.maxMarkupPercent === null) return 'No price cap here: any price above 0.';
  if (cap === null) return `At most ${terms.maxMarkupPercent}% over the face value.`;
  return `At most ${formatPrice(cap)} (${terms.maxMarkupPercent}% over the face value).`;
}

function submitLabel(busy: boolean, listed: Listing | null, count: number): string {
  if (listed) return busy ? 'Attaching tickets…' : 'Attach the remaining tickets';
  if (busy) return 'Listing…';
  return count > 0 ? `List ${ticketsCount(count)}` : 'List tickets';
}

/** The listing's tickets in the order the seller entered the seats (the rows' order); general admission keeps its own. */
function orderedLike(listing: Listing, seats: (string | null)[]): Listing {
  if (seats.some((s) => s === null)) return listing;
  const position = new Map(seats.map((seat, i) => [seat, i]));
  const tickets = listing.tickets.slice().sort((a, b) => (position.get(a.seat) ?? 0) - (position.get(b.seat) ?? 0));
  return { ...listing, tickets };
}
