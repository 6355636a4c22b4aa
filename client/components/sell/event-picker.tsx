'use client';

import { useEffect, useState } from 'react';
import type { EventPage } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { eventView, type EventView } from '@/lib/events';

const SEARCH_DELAY_MS = 250;
const RESULTS = '6';

interface EventPickerProps {
  selected: EventView | null;
  onSelect: (event: EventView | null) => void;
  error?: string;
}

/** Step one of selling: find the event by name, venue or city (the catalogue's search), and pick it. */
export function EventPicker({ selected, onSelect, error }: EventPickerProps) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<EventView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setResults(null);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      const result = await api<EventPage>('GET', `/api/events?${new URLSearchParams({ q: text, limit: RESULTS })}`);
      if (!current) return;
      if (!result.ok) {
        setProblem(result.errors[0]?.message ?? 'The search failed.');
        return;
      }
      setProblem(null);
      setResults(result.data.events.map((e) => eventView(e)));
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);

  if (selected) {
    return (
      <div className="picked-event" data-testid="picked-event">
        <div>
          <p className="picked-event-name">{selected.name}</p>
          <p className="muted small">
            {selected.display.when} · {selected.venue.name}, {selected.venue.city}
          </p>
        </div>
        <button type="button" className="button button-small" onClick={() => onSelect(null)}>
          Change event
        </button>
      </div>
    );
  }

  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor="field-event-search">Search for the event</label>
      <input
        id="field-event-search"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="Artist, team, show, venue or city"
        autoComplete="off"
        maxLength={200}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'field-eventId-error' : 'field-event-search-hint'}
      />
      <p id="field-event-search-hint" className="field-hint">
        Only upcoming events of the catalogue can be sold. Can’t find yours? Try the city or the venue.
      </p>
      {error && (
        <p id="field-eventId-error" className="field-error">
          {error}
        </p>
      )}
      {problem && (
        <p className="alert alert-error" role="alert">
          {problem}
        </p>
      )}
      {results && (
        <ul className="event-choices" aria-label="Matching events">
          {results.length === 0 && <li className="muted">No upcoming event matches “{q.trim()}”.</li>}
          {results.map((event) => (
            <li key={event.id}>
              <button type="button" className="event-choice" onClick={() => onSelect(event)}>
                <span className="event-choice-name">{event.name}</span>
                <span className="event-choice-meta">
                  {event.display.when} · {event.venue.name}, {event.venue.city}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
