'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { searchHref, type EventSearch } from '@/lib/events';

/**
 * The home page's search and filters. A plain GET form (works without JavaScript); with it, the URL keeps only the
 * fields that are filled in, so a search reads well when shared.
 */
export function EventSearchForm({ search }: { search: EventSearch }) {
  const router = useRouter();
  // On a phone the filters fold away behind a button (open when one is in use); wider screens always show them.
  const [filtersOpen, setFiltersOpen] = useState(Boolean(search.city || search.from || search.to));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '');
    router.push(searchHref({ q: field('q'), category: field('category'), city: field('city'), from: field('from'), to: field('to') }));
  }

  return (
    <form role="search" action="/" className="event-search" onSubmit={submit} aria-label="Find events">
      <div className="event-search-main">
        <label htmlFor="search-q" className="visually-hidden">
          Search events
        </label>
        <svg className="event-search-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="m20 20-4-4" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <input
          id="search-q"
          name="q"
          type="search"
          defaultValue={search.q}
          placeholder="Event, venue, city"
          maxLength={200}
          autoComplete="off"
        />
        <button type="submit" className="button button-primary">
          Search
        </button>
      </div>
      <input type="hidden" name="category" value={search.category} />
      <button
        type="button"
        className="button event-filters-toggle"
        aria-expanded={filtersOpen}
        aria-controls="event-filters"
        onClick={() => setFiltersOpen((open) => !open)}
      >
        {filtersOpen ? 'Hide filters' : 'City and dates'}
      </button>
      <div id="event-filters" className="event-filters" data-open={filtersOpen}>
        <div className="field">
          <label htmlFor="filter-city">City</label>
          <input id="filter-city" name="city" type="text" defaultValue={search.city} placeholder="Any city" maxLength={100} autoComplete="address-level2" />
        </div>
        <div className="field">
          <label htmlFor="filter-from">From</label>
          <input id="filter-from" name="from" type="date" defaultValue={search.from} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To</label>
          <input id="filter-to" name="to" type="date" defaultValue={search.to} />
        </div>
        <button type="submit" className="button event-filters-apply">
          Apply filters
        </button>
      </div>
    </form>
  );
}
