import { createHash } from 'node:crypto';

// A fixed namespace for name-based (RFC 9562 version 5) ids of expiration.completed events. Changing it would give
// every order a new event id, so JetStream would stop recognising re-fires as duplicates.
const EXPIRATION_EVENT_NAMESPACE = Buffer.from('5b0f6c1e8d2a4f7b9e3c1a6d4b8e2f90', 'hex');

/**
 * The event id of an order's expiration.completed: the same order always gives the same id, so a job that fires
 * twice (a retry after a lost PubAck, a timer rebuilt by recovery) publishes a message JetStream drops as a duplicate.
 */
export function expirationEventId(orderId: string): string {
  const hash = createHash('sha1').update(EXPIRATION_EVENT_NAMESPACE).update(orderId.toLowerCase()).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
