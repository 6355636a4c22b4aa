'use client';

import { useState } from 'react';
import type { ApiFailure, EventPage } from './api-types';
import { api } from './browser-api';
import { eventView, type EventView } from './events';

interface CursorPages<T> {
  items: T[];
  /** Replace one item in place (after an action on it). */
  update(item: T): void;
  more: (() => Promise<void>) | null;
  busy: boolean;
  failure: ApiFailure | null;
}

/**
 * A list whose first page came rendered from the server; each further page follows nextCursor from the browser with
 * the same query. An item can shift between pages while someone browses, so none is shown twice.
 */
export function useCursorPages<Page extends { nextCursor: string | null }, T extends { id: string }>(opts: {
  initial: T[];
  initialCursor: string | null;
  path: string;
  query: Record<string, string>;
  itemsOf: (page: Page) => T[];
}): CursorPages<T> {
  const [items, setItems] = useState<T[]>(opts.initial);
  const [cursor, setCursor] = useState(opts.initialCursor);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function loadMore() {
    if (!cursor) return;
    setBusy(true);
    const result = await api<Page>('GET', `${opts.path}?${new URLSearchParams({ ...opts.query, cursor })}`);
    setBusy(false);
    if (!result.ok) {
      setFailure(result);
      return;
    }
    setFailure(null);
    const next = opts.itemsOf(result.data);
    setItems((shown) => {
      const seen = new Set(shown.map((item) => item.id));
      return [...shown, ...next.filter((item) => !seen.has(item.id))];
    });
    setCursor(result.data.nextCursor);
  }

  return {
    items,
    update: (item) => setItems((shown) => shown.map((s) => (s.id === item.id ? item : s))),
    more: cursor ? loadMore : null,
    busy,
    failure,
  };
}

/** Catalogue events, page after page of GET /api/events with the first page's query, each ready to show. */
export function useEventPages(initial: EventView[], initialCursor: string | null, query: Record<string, string>): CursorPages<EventView> {
  return useCursorPages<EventPage, EventView>({
    initial,
    initialCursor,
    path: '/api/events',
    query,
    itemsOf: (page) => page.events.map((e) => eventView(e)),
  });
}
