import { randomUUID } from 'node:crypto';
import { headers, nanos } from '@nats-io/transport-node';
import { RetryLaterError, startPlainConsumer, type TxHandlers } from '@ticketing/common';
import { publishTestEvent, waitFor } from '@ticketing/common/testing';
import { capturingLogger, consumerTestEnv, eventScheduled, eventUpdated } from './helpers';

// What a handler wrote. The deferred FK lets a test make COMMIT itself fail after the handler returned.
const env = consumerTestEnv('bus_consumer', {
  schema: `
    CREATE TABLE parents (id uuid PRIMARY KEY);
    CREATE TABLE applied (
      event_id uuid PRIMARY KEY,
      parent_id uuid REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED
    );`,
});

const consumerInfo = (service = 'svc') => env.tb.bus.jsm.consumers.info(env.tb.bus.streamName('EVENTS'), service);
const appliedCount = async (eventId: string) => (await env.db.pool.query('SELECT count(*)::int AS n FROM applied WHERE event_id = $1', [eventId])).rows[0].n as number;
const inboxCount = async (eventId: string) => (await env.db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [eventId])).rows[0].n as number;

test('a handler failing twice (once at COMMIT) is applied once, on the third delivery, and acked only then', async () => {
  const deliveries: number[] = [];
  const ackPendingDuringHandler: number[] = [];
  await env.start({
    backoffMs: [100],
    handlers: {
      'event.scheduled': async (_p, ctx) => {
        deliveries.push(ctx.deliveryCount);
        ackPendingDuringHandler.push((await consumerInfo()).num_ack_pending);
        // Delivery 1: the handler "succeeds" but COMMIT fails (deferred FK) → must not ack.
        await ctx.tx.query('INSERT INTO applied (event_id, parent_id) VALUES ($1, $2)', [ctx.eventId, ctx.deliveryCount === 1 ? randomUUID() : null]);
        if (ctx.deliveryCount === 2) throw new Error('database hiccup');
      },
    },
  });
  const eventId = await publishTestEvent(env.tb.bus, 'event.scheduled', eventScheduled());

  await waitFor(async () => expect(deliveries).toEqual([1, 2, 3]));
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  expect(ackPendingDuringHandler).toEqual([1, 1, 1]); // not acked while its transaction was open
  expect(await appliedCount(eventId)).toBe(1);
  expect(await inboxCount(eventId)).toBe(1);
  const info = await consumerInfo();
  expect(info.num_pending).toBe(0);
  expect(info.delivered.consumer_seq).toBe(3);
  await new Promise((r) => setTimeout(r, 300));
  expect(deliveries).toEqual([1, 2, 3]); // and never again
});

test('the planted ack-before-commit fault reaches the one-event path: a failing handler\'s event is acked, so lost', async () => {
  const deliveries: number[] = [];
  await env.start({
    backoffMs: [100],
    faults: { ackBeforeCommit: true },
    handlers: {
      'event.scheduled': async (_p, ctx) => {
        deliveries.push(ctx.deliveryCount);
        throw new Error('rolled back after its ack');
      },
    },
  });
  const eventId = await publishTestEvent(env.tb.bus, 'event.scheduled', eventScheduled());

  await waitFor(() => expect(deliveries).toEqual([1]));
  await new Promise((r) => setTimeout(r, 600)); // several back-offs: a nak'ed event would be back by now
  expect(deliveries).toEqual([1]);
  const info = await consumerInfo();
  expect(info.num_ack_pending).toBe(0);
  expect(info.num_redelivered).toBe(0);
  expect(await inboxCount(eventId)).toBe(0);
});

test('a malformed payload or an unknown subject is logged as an error and terminated, never handled or redelivered', async () => {
  const { logger, records } = capturingLogger();
  const handled: string[] = [];
  const handlers: TxHandlers = {
    'event.scheduled': async (p) => void handled.push(p.id),
    'event.updated': async (p) => void handled.push(p.id),
  };
  await env.start({ logger, backoffMs: [50], handlers });
  await publishTestEvent(env.tb.bus, 'event.scheduled', eventScheduled()); // creates the stream

  const badId = randomUUID();
  const h = headers();
  h.set('Event-Type', 'event.updated');
  await env.tb.bus.js.publish(env.tb.bus.subject('event.updated'), JSON.stringify({ ...eventUpdated(randomUUID(), 1), version: 'ten' }), { msgID: badId, headers: h });
  const unknownId = randomUUID();
  await env.tb.bus.js.publish(`${env.tb.bus.namespace}.event.deleted`, JSON.stringify({ id: randomUUID() }), { msgID: unknownId });
  const good = eventUpdated(randomUUID(), 1);
  await publishTestEvent(env.tb.bus, 'event.updated', good);

  await waitFor(async () => expect(handled).toHaveLength(2));
  expect(handled[1]).toBe(good.id);
  await waitFor(async () => {
    const info = await consumerInfo();
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });
  const info = await consumerInfo();
  expect(info.num_redelivered).toBe(0);
  expect(info.delivered.consumer_seq).toBe(4); // each message delivered exactly once
  const errors = records.filter((r) => r.level === 50 && r.msg === 'unprocessable event terminated');
  expect(errors.map((r) => r.eventId).sort()).toEqual([badId, unknownId].sort());
  expect(errors.find((r) => r.eventId === badId)!.reason).toMatch(/version/);
  expect(errors.find((r) => r.eventId === unknownId)!.reason).toMatch(/unknown subject/);
  expect(await inboxCount(badId)).toBe(0);
});

test('an event delivered again after the duplicate window changes nothing (inbox)', async () => {
  let calls = 0;
  await env.start({
    handlers: {
      'event.scheduled': async (_p, ctx) => {
        calls++;
        await ctx.tx.query('INSERT INTO applied (event_id) VALUES ($1)', [ctx.eventId]);
      },
    },
  });
  const payload = eventScheduled();
  const eventId = await publishTestEvent(env.tb.bus, 'event.scheduled', payload);
  await waitFor(async () => expect(await inboxCount(eventId)).toBe(1));

  // Shrink the window so the stream stores the same event id a second time, as after a relay outage > 2 min.
  const stream = env.tb.bus.streamName('EVENTS');
  await env.tb.bus.jsm.streams.update(stream, { duplicate_window: nanos(100) });
  await new Promise((r) => setTimeout(r, 250));
  await publishTestEvent(env.tb.bus, 'event.scheduled', payload, eventId);
  expect((await env.tb.bus.jsm.streams.info(stream)).state.messages).toBe(2);

  await waitFor(async () => {
    const info = await consumerInfo();
    expect(info.delivered.stream_seq).toBe(2);
    expect(info.num_ack_pending).toBe(0);
  });
  expect(calls).toBe(1);
  expect(await appliedCount(eventId)).toBe(1);
  expect(await inboxCount(eventId)).toBe(1);
});

test('events of one aggregate run one at a time in order; different aggregates run concurrently', async () => {
  const tickets = Array.from({ length: 6 }, () => randomUUID());
  const seen = new Map<string, number[]>();
  const running = new Map<string, number>();
  let concurrent = 0;
  let maxConcurrent = 0;
  let maxPerAggregate = 0;
  await env.start({
    maxInFlight: 8,
    handlers: {
      'event.updated': async (p) => {
        running.set(p.id, (running.get(p.id) ?? 0) + 1);
        maxPerAggregate = Math.max(maxPerAggregate, running.get(p.id)!);
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
        seen.set(p.id, [...(seen.get(p.id) ?? []), p.version]);
        concurrent--;
        running.set(p.id, running.get(p.id)! - 1);
      },
    },
  });
  for (let v = 1; v <= 15; v++) await Promise.all(tickets.map((t) => publishTestEvent(env.tb.bus, 'event.updated', eventUpdated(t, v))));
  // Publishing in parallel per round keeps per-ticket order (one publish per ticket per round, rounds awaited).

  await waitFor(async () => expect([...seen.values()].flat()).toHaveLength(tickets.length * 15), { timeoutMs: 20_000 });
  for (const t of tickets) expect(seen.get(t)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  expect(maxPerAggregate).toBe(1);
  expect(maxConcurrent).toBeGreaterThan(1);
  expect(maxConcurrent).toBeLessThanOrEqual(8);
});

test('a handler running longer than the ack wait is not redelivered mid-work', async () => {
  const deliveries: number[] = [];
  await env.start({
    ackWaitMs: 1000,
    handlers: {
      'event.scheduled': async (_p, ctx) => {
        deliveries.push(ctx.deliveryCount);
        await new Promise((r) => setTimeout(r, 3000));
      },
    },
  });
  const eventId = await publishTestEvent(env.tb.bus, 'event.scheduled', eventScheduled());
  await waitFor(async () => expect(await inboxCount(eventId)).toBe(1), { timeoutMs: 10_000 });
  await new Promise((r) => setTimeout(r, 1500));
  expect(deliveries).toEqual([1]);
  expect((await consumerInfo()).num_redelivered).toBe(0);
});

test('RetryLaterError redelivers after its delay without an error log; exhausting max_deliver logs an error with the event id', async () => {
  const { logger, records } = capturingLogger();
  const times: Record<string, number[]> = {};
  await env.start({
    logger,
    maxDeliver: 3,
    backoffMs: [50],
    handlers: {
      'event.scheduled': async (_p, ctx) => {
        (times[ctx.eventId] ??= []).push(Date.now());
        if (ctx.deliveryCount === 1) throw new RetryLaterError('version 2 not seen yet', 600);
      },
      'event.updated': async (_p, ctx) => {
        (times[ctx.eventId] ??= []).push(Date.now());
        throw new Error('always broken');
      },
    },
  });
  const early = await publishTestEvent(env.tb.bus, 'event.scheduled', eventScheduled());
  const doomed = await publishTestEvent(env.tb.bus, 'event.updated', eventUpdated(randomUUID(), 1));

  await waitFor(async () => expect(await inboxCount(early)).toBe(1));
  const [first, second] = times[early]!;
  expect(second! - first!).toBeGreaterThanOrEqual(550);
  expect(records.filter((r) => r.eventId === early && r.level >= 40)).toEqual([]);

  const gaveUp = await waitFor(() => records.find((r) => r.level === 50 && r.eventId === doomed) ?? false);
  expect(gaveUp.msg).toMatch(/last allowed delivery/);
  expect(times[doomed]).toHaveLength(3);
  await waitFor(async () => expect((await consumerInfo()).num_ack_pending).toBe(0));
  expect(await inboxCount(doomed)).toBe(0);
  // It stays in the stream for a later replay.
  expect((await env.tb.bus.jsm.streams.info(env.tb.bus.streamName('EVENTS'))).state.messages).toBe(2);
});

test('rejects handlers for subjects another stream carries', async () => {
  await expect(
    env.start({ handlers: { 'order.created': async () => undefined } }),
  ).rejects.toThrow(/order.created is not carried by stream EVENTS/);
});

test('a plain consumer handles only its subjects, retries failures, and writes no inbox', async () => {
  const { logger, records } = capturingLogger();
  const handled: string[] = [];
  let failOnce = true;
  env.stopAfterTest(
    await startPlainConsumer({
      bus: env.tb.bus,
      logger,
      service: 'plain',
      stream: 'ORDERS',
      backoffMs: [50],
      handlers: {
        'order.created': async (p, ctx) => {
          expect(ctx.logger).toBeDefined();
          if (failOnce) {
            failOnce = false;
            throw new Error('redis hiccup');
          }
          handled.push(`created:${p.id}`);
        },
        'order.cancelled': async (p) => void handled.push(`cancelled:${p.id}`),
      },
    }),
  );
  const orderId = randomUUID();
  const listingId = randomUUID();
  const ticketIds = [randomUUID(), randomUUID()];
  const created = await publishTestEvent(env.tb.bus, 'order.created', {
    id: orderId, version: 0, status: 'created', userId: randomUUID(), listingId, eventId: randomUUID(), sellerId: randomUUID(),
    expiresAt: new Date().toISOString(), tickets: ticketIds.map((id, i) => ({ id, seat: String(i + 1) })),
    quantity: 2, unitPriceCents: 1000, buyerFeeCents: 200, sellerFeeCents: 100, totalCents: 2200,
  });
  // Not handled here: skipped without an error, whatever filter the server allowed.
  await publishTestEvent(env.tb.bus, 'order.completed', { id: orderId, version: 1, listingId, ticketIds, paymentId: randomUUID() });
  await publishTestEvent(env.tb.bus, 'order.cancelled', { id: orderId, version: 2, listingId, ticketIds, reason: 'cancelled' });

  // The failed created went back to the server (nak), so cancelled usually runs first: replicas rely on versions
  // for order across failures (invariant 5), the consumer only keeps arrival order.
  await waitFor(async () => expect([...handled].sort()).toEqual([`cancelled:${orderId}`, `created:${orderId}`]));
  await waitFor(async () => expect((await env.tb.bus.jsm.consumers.info(env.tb.bus.streamName('ORDERS'), 'plain')).num_ack_pending).toBe(0));
  expect(records.filter((r) => r.level >= 50)).toEqual([]);
  expect(records.find((r) => r.level === 40 && r.eventId === created)?.msg).toMatch(/handler failed/);
  expect(await inboxCount(created)).toBe(0);
});

test('a durable consumer deleted under a running consumer is re-created; the replayed events are not applied again', async () => {
  const applied: string[] = [];
  const { logger, records } = capturingLogger();
  await env.start({
    logger,
    handlers: { 'event.scheduled': async (p) => void applied.push(p.id) },
  });
  const first = eventScheduled();
  await publishTestEvent(env.tb.bus, 'event.scheduled', first);
  await waitFor(() => expect(applied).toEqual([first.id]));

  await env.tb.bus.jsm.consumers.delete(env.tb.bus.streamName('EVENTS'), 'svc');
  await waitFor(async () => expect((await consumerInfo()).config.durable_name).toBe('svc'), { timeoutMs: 20_000 });
  const second = eventScheduled();
  await publishTestEvent(env.tb.bus, 'event.scheduled', second);
  await waitFor(() => expect(applied).toEqual([first.id, second.id]), { timeoutMs: 20_000 });
  expect(records.some((r) => /re-creating/.test(r.msg))).toBe(true);
});
