import type { ConsumerDeclaration, StreamKey } from '@ticketing/common';
import { onListingChanged } from './listing-changed.listener';

/** Streams catalog publishes to (EVENTS) and reads from (LISTINGS, tickets' from issue 16): ensured at start-up. */
export const CATALOG_STREAMS: StreamKey[] = ['EVENTS', 'LISTINGS'];

/** One durable consumer per stream catalog reads; every handler runs in a transaction with the inbox. */
export const CATALOG_CONSUMERS: ConsumerDeclaration[] = [{ stream: 'LISTINGS', handlers: { 'listing.changed': onListingChanged } }];
