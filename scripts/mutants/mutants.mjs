// The mutants `npm run test:mutants` plants, one at a time: plausible bugs in the code that keeps docs/design.md's
// invariants, each with the tests that must catch it. `find` is exact text or a RegExp that must occur exactly once in
// `file` (paths from the repository root); `replace` is the bug (a RegExp's replacement may use $1...). Keep `tests`
// narrow: the files that own the behaviour, and `testName` (jest -t, a pattern) where a file holds slow tests that
// do not concern the mutant, so the whole run takes minutes. When code moves, move its mutant with it;
// a mutant whose file or text is gone fails the run, naming both.

/** @typedef {{ name: string, invariant: number, description: string, file: string, find: string | RegExp, replace: string, tests: string[], testName?: string }} Mutant */

/** @type {Mutant[]} */
export const MUTANTS = [
  // 1. Never sold twice.
  {
    name: 'orders-active-order-index-not-unique',
    invariant: 1,
    description: "the partial unique index on a ticket's active order is a plain index (migration)",
    file: 'orders/migrations/0001_tickets_orders.sql',
    find: 'CREATE UNIQUE INDEX orders_one_active_per_ticket',
    replace: 'CREATE INDEX orders_one_active_per_ticket',
    tests: ['orders/test/orders.routes.test.ts'],
  },

  {
    name: 'tickets-sold-ticket-held-again',
    invariant: 1,
    description: "a late order.created reserves a ticket tickets already recorded as sold",
    file: 'tickets/src/domain/order-holds.domain.ts',
    find: "if (ticket.status === 'sold') {\n    log.warn('order.created for a sold ticket; not holding');",
    replace: "if (ticket.status === 'sold' && false) {\n    log.warn('order.created for a sold ticket; not holding');",
    tests: ['tickets/test/order-listeners.test.ts'],
  },

  // 2. Holds end on time.
  {
    name: 'orders-lazy-expiry-skipped',
    invariant: 2,
    description: 'ordering a ticket no longer ends a hold past its expiry in the same transaction (waits for expiration)',
    file: 'orders/src/domain/orders.ts',
    find: 'await cancelExpired(tx, { ticketId: ticket.id });',
    replace: '',
    tests: ['orders/test/orders.expiry.test.ts'],
  },
  {
    name: 'orders-expiry-cancels-paid-order',
    invariant: 2,
    description: 'expiration.completed cancels a complete (paid) order too',
    file: 'orders/src/domain/orders.ts',
    find: "cancelOrderIfIn(tx, orderId, ['created'], 'expired')",
    replace: "cancelOrderIfIn(tx, orderId, ['created', 'complete'], 'expired')",
    tests: ['orders/test/orders.settlement.test.ts'],
    testName: 'leaves a complete one alone',
  },

  // 3. Locked means locked.
  {
    name: 'tickets-edit-ignores-hold',
    invariant: 3,
    description: "the seller's guarded UPDATE loses its hold condition: a held or sold ticket's price can change",
    file: 'tickets/src/data/tickets.data.ts',
    find: "WHERE id = $1 AND user_id = $2 AND order_id IS NULL AND status = 'available'",
    replace: 'WHERE id = $1 AND user_id = $2',
    tests: ['tickets/test/tickets-write.test.ts'],
  },
  {
    name: 'catalog-edit-ignores-closed',
    invariant: 3,
    description: "the admin's guarded UPDATE loses its open condition: a cancelled or past event can be edited",
    file: 'catalog/src/data/events.data.ts',
    find: "WHERE id = $1 AND status = 'scheduled' AND starts_at > now() AND ($9::int IS NULL OR version = $9)",
    replace: 'WHERE id = $1 AND ($9::int IS NULL OR version = $9)',
    tests: ['catalog/test/events.write.test.ts'],
    testName: 'cancelled event and for one that is over',
  },

  // 4. No event is lost.
  {
    name: 'orders-order-created-after-commit',
    invariant: 4,
    description: "order.created is written to the outbox after the order's transaction committed, not inside it",
    file: 'orders/src/domain/orders.ts',
    find: /return withTransaction\(pool, async \(tx\) => \{([\s\S]*?)await recordOrderCreated\(tx, (order[^)]*)\);\n\s*(return order;[\s\S]*?\n {2}\}\);)/,
    replace: 'const order = await withTransaction(pool, async (tx) => {$1$3\n  await recordOrderCreated(pool, $2);\n  return order;',
    tests: ['orders/test/outbox-atomicity.test.ts'],
  },
  {
    name: 'payments-payment-created-after-commit',
    invariant: 4,
    description: "payment.created is written to the outbox after the payment's transaction committed, not inside it",
    file: 'payments/src/domain/record-charge.ts',
    find: /return await withTransaction\(pool, async \(tx\) => \{([\s\S]*?)await recordPaymentCreated\(tx, (payment[^)]*)\);\n\s*(return payment;\n\s*\}\);)/,
    replace: 'const payment = await withTransaction(pool, async (tx) => {$1$3\n    await recordPaymentCreated(pool, $2);\n    return payment;',
    tests: ['payments/test/outbox-atomicity.test.ts'],
  },
  {
    name: 'catalog-event-scheduled-after-commit',
    invariant: 4,
    description: "event.scheduled is written to the outbox after the event's transaction committed, not inside it",
    file: 'catalog/src/domain/events.ts',
    find: /return withTransaction\(pool, async \(tx\) => \{\n(\s*)const event = await insertEvent\(tx, ([^;]*)\);\n\s*await recordEventScheduled\(tx, event\);\n\s*return withSummary\(tx, event\.id\);\n\s*\}\);/,
    replace: 'const event = await withTransaction(pool, (tx) => insertEvent(tx, $2));\n  await recordEventScheduled(pool, event);\n  return withSummary(pool, event.id);',
    tests: ['catalog/test/outbox-atomicity.test.ts'],
    testName: 'event.scheduled refused',
  },
  {
    name: 'consumer-ack-before-commit',
    invariant: 4,
    description: "the one-event consumer path acks before its handler's transaction commits",
    file: 'common/src/bus/consumer/message.ts',
    find: 'if (settings.ackBeforeCommit) msg.ack();',
    replace: 'msg.ack();',
    tests: ['common/test/bus/consumer.test.ts'],
    testName: 'acked only then',
  },
  {
    name: 'consumer-batch-ack-before-commit',
    invariant: 4,
    description: 'the batched consumer path acks each event before the batch commits',
    file: 'common/src/bus/consumer/batch.ts',
    find: 'if (settings.ackBeforeCommit) msg.ack();',
    replace: 'msg.ack();',
    tests: ['common/test/bus/consumer-batch.test.ts'],
    testName: 'no event of a batch is acked before the batch commits',
  },
  {
    name: 'consumer-inbox-check-skipped',
    invariant: 4,
    description: 'the one-event consumer path runs the handler even when the inbox already holds the event',
    file: 'common/src/bus/consumer/message.ts',
    find: "if (inserted.rowCount === 0) return 'duplicate';",
    replace: "if (inserted.rowCount === -1) return 'duplicate';",
    tests: ['common/test/bus/consumer.test.ts'],
    testName: 'delivered again after the duplicate window',
  },
  {
    name: 'consumer-batch-inbox-check-skipped',
    invariant: 4,
    description: 'the batched consumer path runs every handler even when the inbox already holds the event',
    file: 'common/src/bus/consumer/batch.ts',
    find: 'if (!fresh.delete(id)) continue;',
    replace: 'fresh.delete(id);',
    tests: ['common/test/bus/consumer-batch.test.ts'],
  },
  {
    name: 'relay-marks-failed-rows-sent',
    invariant: 4,
    description: 'the outbox relay marks a batch sent although some of its publishes failed',
    file: 'common/src/bus/outbox/relay.ts',
    find: 'const sent = firstFailure === -1 ? rows : rows.slice(0, firstFailure);',
    replace: 'const sent = rows;',
    tests: ['common/test/bus/nats-outage.test.ts'],
    testName: 'empty store',
  },

  // 5. Replicas apply changes in order.
  {
    name: 'orders-replica-version-unchecked',
    invariant: 5,
    description: "orders' tickets replica applies ticket.updated whatever version it holds",
    file: 'orders/src/data/tickets.data.ts',
    find: 'WHERE id = $1 AND version = $5 - 1',
    replace: 'WHERE id = $1',
    tests: ['orders/test/orders.replica.test.ts'],
  },
  {
    name: 'orders-replica-early-version-dropped',
    invariant: 5,
    description: "orders' tickets replica acknowledges an early version as stale instead of retrying it",
    file: 'orders/src/domain/tickets-replica.ts',
    find: "return !current || current.version < e.version ? 'early' : 'stale';",
    replace: "return 'stale';",
    tests: ['orders/test/orders.replica.test.ts'],
  },
  {
    name: 'payments-replica-version-unchecked',
    invariant: 5,
    description: "payments' orders replica applies a status change whatever version it holds",
    file: 'payments/src/data/orders.data.ts',
    find: 'WHERE id = $1 AND version = $2 - 1',
    replace: 'WHERE id = $1',
    tests: ['payments/test/orders-replica.events.test.ts'],
  },
  {
    name: 'catalog-listing-version-unchecked',
    invariant: 5,
    description: "catalog's listings read model stores a listing.changed whatever version it holds (a late one takes it back)",
    file: 'catalog/src/data/listings.data.ts',
    find: 'WHERE listings.version < EXCLUDED.version',
    replace: '',
    tests: ['catalog/test/listing-summaries.test.ts'],
    testName: 'out of order',
  },

  // 6. Charged means served or refunded.
  {
    name: 'orders-late-payment-not-rejected',
    invariant: 6,
    description: 'a payment for an order no longer payable is not rejected, so payments never refunds it',
    file: 'orders/src/domain/payments.ts',
    find: 'await recordPaymentRejected(tx, payment.orderId, payment.id);',
    replace: '',
    tests: ['orders/test/orders.settlement.test.ts'],
    testName: 'for a cancelled order',
  },
  {
    name: 'orders-payment-completes-any-status',
    invariant: 6,
    description: "the payment's conditional update loses its status condition: a cancelled order becomes complete",
    file: 'orders/src/data/orders.data.ts',
    find: "WHERE id = $1 AND status IN ('created', 'awaiting:payment') AND price_cents = $3",
    replace: 'WHERE id = $1 AND price_cents = $3',
    tests: ['orders/test/orders.settlement.test.ts'],
    testName: 'for a cancelled order',
  },
  {
    name: 'payments-idempotency-key-not-reused',
    invariant: 6,
    description: "a charge's retry or replay sends a new idempotency key instead of the attempt's",
    file: 'payments/src/domain/record-charge.ts',
    find: 'idempotencyKey: attempt.idempotencyKey,',
    replace: 'idempotencyKey: randomUUID(),',
    tests: ['payments/test/payments.routes.test.ts'],
  },

  // 9. Only auth can mint sessions.
  {
    name: 'session-hs256-keyed-with-public-key',
    invariant: 9,
    description: 'the verifier also takes HS256 and, as jsonwebtoken before 9 did, uses the public key as its HMAC secret',
    file: 'common/src/session/session-token.ts',
    find: 'jwt.verify(token, publicKey, { algorithms: [SESSION_ALGORITHM] })',
    replace:
      "jwt.verify(token, jwt.decode(token, { complete: true })?.header.alg === 'HS256' ? require('node:crypto').createSecretKey(Buffer.from(typeof publicKey === 'string' ? publicKey : publicKey.export({ type: 'spki', format: 'pem' }))) : publicKey, { algorithms: [SESSION_ALGORITHM, 'HS256'] })",
    tests: ['common/test/session/session-token.test.ts', 'auth/test/session.test.ts'],
  },
];
