import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type Subscription } from '@nats-io/transport-node';
import { eventSchemas, Streams, streamOf, type EventSubject, type StreamKey } from '../../events/contracts';
import type { Logger } from '../../log/logger';
import { serverAtLeast, type Bus } from '../connection';
import { applyBatch, type BatchItem } from './batch';
import { decodeMessage, plain, processMessage, type DecodedEvent, type ProcessSettings } from './message';
import { DEFAULT_BACKOFF_MS, type Consumer, type ConsumerOptionsBase, type PlainConsumerOptions, type TxConsumerOptions } from './types';
import { BatchLanes } from './lanes';
import { KeyedDispatcher } from './keyed-dispatcher';
import { ensureStreams, isJetStreamNotFound } from '../streams';
import { backoffDelay, errorMessage, sleep } from '../timing';

/**
 * Durable pull consumer (service, stream) whose handlers run in a transaction with the inbox insert: an event is
 * applied at most once however often it is delivered, and acked only after its transaction committed
 * (docs/design.md invariant 4). Events go to `lanes` lanes by aggregate key (or `laneKey`); each lane applies whatever has
 * queued, up to `maxBatch` events, in one transaction (batch.ts), so one aggregate's events stay in order.
 */
export function startConsumer(opts: TxConsumerOptions): Promise<Consumer> {
  const lanes = opts.lanes ?? 2;
  const maxBatch = opts.maxBatch ?? 32;
  const laneKey = opts.laneKey;
  return startConsuming({ ...opts, maxInFlight: opts.maxInFlight ?? 256 }, Object.keys(opts.handlers), (settings, maxHeld) => {
    const batches = new BatchLanes<BatchItem>({ lanes, maxBatch, maxHeld }, (items) => applyBatch(opts.pool, opts.handlers, settings, items));
    return {
      submit: (msg, event, settled) => batches.submit(laneKey?.(event.subject, event.payload as never) ?? event.key, { msg, event, settled }),
      idle: () => batches.idle(),
    };
  });
}

/** The same without a database: handlers must be idempotent on their own (e.g. expiration's job id = order id). */
export function startPlainConsumer(opts: PlainConsumerOptions): Promise<Consumer> {
  return startConsuming(opts, Object.keys(opts.handlers), (settings, maxInFlight) => {
    const dispatcher = new KeyedDispatcher(maxInFlight);
    return {
      submit: (msg, event, settled) =>
        dispatcher.submit(event.key, () => processMessage(msg, event, settings, plain(opts.handlers[event.subject] as never, event)).finally(settled)),
      idle: () => dispatcher.idle(),
    };
  });
}

/** Where decoded messages go: submit resolves once the message is taken (waiting while full); settled() ends its heartbeat. */
interface MessageSink {
  submit(msg: JsMsg, event: DecodedEvent, settled: () => void): Promise<void>;
  idle(): Promise<void>;
}

interface FilterPlan {
  config: Pick<ConsumerConfig, 'filter_subject' | 'filter_subjects'>;
  /** True when the filter lets through subjects that have no handler (they are acked and skipped). */
  widerThanHandlers: boolean;
}

function planFilter(bus: Bus, stream: StreamKey, subjects: EventSubject[]): FilterPlan {
  const all = (Object.keys(eventSchemas) as EventSubject[]).filter((s) => streamOf(s) === stream);
  const wildcard = `${bus.namespace ? `${bus.namespace}.` : ''}${Streams[stream].aggregate}.>`;
  if (all.every((s) => subjects.includes(s))) return { config: { filter_subject: wildcard }, widerThanHandlers: false };
  if (subjects.length === 1) return { config: { filter_subject: bus.subject(subjects[0]!) }, widerThanHandlers: false };
  if (serverAtLeast(bus, 2, 10)) return { config: { filter_subjects: subjects.map((s) => bus.subject(s)) }, widerThanHandlers: false };
  return { config: { filter_subject: wildcard }, widerThanHandlers: true };
}

/** Creates the durable consumer, or updates the settings of the existing one (its position is kept). */
async function ensureConsumer(bus: Bus, streamName: string, config: Partial<ConsumerConfig> & { durable_name: string }, logger: Logger): Promise<void> {
  let existing: ConsumerConfig | undefined;
  try {
    existing = (await bus.jsm.consumers.info(streamName, config.durable_name)).config;
  } catch (err) {
    if (!isJetStreamNotFound(err)) throw err;
  }
  if (!existing) {
    await bus.jsm.consumers.add(streamName, config);
    return;
  }
  const { ack_wait, max_deliver, max_ack_pending, filter_subject, filter_subjects } = config;
  const sameFilter =
    (existing.filter_subject ?? '') === (filter_subject ?? '') &&
    JSON.stringify(existing.filter_subjects ?? []) === JSON.stringify(filter_subjects ?? []);
  if (sameFilter && existing.ack_wait === ack_wait && existing.max_deliver === max_deliver && existing.max_ack_pending === max_ack_pending) return;
  try {
    await bus.jsm.consumers.update(streamName, config.durable_name, {
      ack_wait,
      max_deliver,
      max_ack_pending,
      ...(filter_subjects ? { filter_subjects } : { filter_subject }),
    });
  } catch (err) {
    logger.warn(
      { err: errorMessage(err), wanted: { filter_subject, filter_subjects }, existing: { filter: existing.filter_subject, filters: existing.filter_subjects } },
      'cannot update the durable consumer; running with its current settings (delete it to apply the new ones: it restarts from the stream start, the inbox drops repeats)',
    );
  }
}

async function startConsuming(opts: ConsumerOptionsBase, subjectKeys: string[], sinkFor: (settings: ProcessSettings, maxInFlight: number) => MessageSink): Promise<Consumer> {
  const { bus, stream, service } = opts;
  const subjects = subjectKeys as EventSubject[];
  if (!subjects.length) throw new Error(`consumer ${service} on ${stream} has no handlers`);
  for (const s of subjects) {
    if (!(s in eventSchemas) || streamOf(s) !== stream) throw new Error(`consumer ${service}: ${s} is not carried by stream ${stream}`);
  }
  const maxInFlight = opts.maxInFlight ?? 16;
  const maxDeliver = opts.maxDeliver ?? 30;
  const backoffMs = opts.backoffMs?.length ? opts.backoffMs : DEFAULT_BACKOFF_MS;
  const ackWaitMs = Math.max(opts.ackWaitMs ?? 30_000, 1000);
  const streamName = bus.streamName(stream);
  const logger = opts.logger.child({ component: 'consumer', consumer: service, stream: streamName });
  const filter = planFilter(bus, stream, subjects);
  const handled = new Set<string>(subjects);
  const config = {
    durable_name: service,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
    max_ack_pending: Math.max(1000, maxInFlight * 4),
    ...filter.config,
  };
  const setUp = async () => {
    // Consumers may start before the publishing service ever ran: the stream is created here too (idempotent).
    await ensureStreams(bus, [stream]);
    await ensureConsumer(bus, streamName, config, logger);
  };
  await setUp();

  const settings: ProcessSettings = { service, maxDeliver, backoffMs, logger, ackBeforeCommit: opts.faults?.ackBeforeCommit === true };
  const sink = sinkFor(settings, maxInFlight);
  const stopper = new AbortController();
  let current: ConsumerMessages | undefined;
  let needsSetUp = false;

  const handle = (msg: JsMsg): Promise<void> => {
    const decoded = decodeMessage(bus, msg, handled, filter.widerThanHandlers);
    if (!decoded.ok) {
      if (decoded.unhandledButExpected) msg.ack();
      else {
        logger.error({ reason: decoded.reason, wireSubject: msg.subject, streamSeq: msg.seq, eventId: msg.headers?.get('Nats-Msg-Id') }, 'unprocessable event terminated');
        msg.term(); // no reason text: servers before 2.11 ignore a +TERM carrying one
      }
      return Promise.resolve();
    }
    const event = decoded.event;
    // working() resets the ack wait, so an event waiting behind its aggregate or in a slow handler is not redelivered.
    const heartbeat = setInterval(() => msg.working(), Math.max(500, Math.floor(ackWaitMs / 3)));
    return sink.submit(msg, event, () => clearInterval(heartbeat));
  };

  // consume() recovers from reconnects by itself, but its iterator can still end or throw (consumer deleted, heartbeats
  // missed, connection closed): this loop re-creates it with back-off for as long as the consumer is not stopped.
  const loop = (async () => {
    let attempt = 0;
    while (!stopper.signal.aborted) {
      try {
        if (needsSetUp) {
          await setUp();
          needsSetUp = false;
        }
        const consumer = await bus.js.consumers.get(streamName, service);
        // A client-side buffer a little larger than maxInFlight keeps the pipe full (pulls are round trips) while
        // bounding how long a buffered message waits unprocessed (it is not working()'ed until handed to us).
        const messages = await consumer.consume({ max_messages: Math.max(32, Math.min(maxInFlight * 2, 512)) });
        current = messages;
        if (stopper.signal.aborted) messages.stop();
        void watchStatus(messages).catch((err: unknown) => logger.warn({ err: errorMessage(err) }, 'consumer status watcher failed'));
        let sinceYield = 0;
        for await (const msg of messages) {
          attempt = 0;
          await handle(msg);
          // Buffered messages arrive as microtasks: without a pause, decoding a full buffer (hundreds of JSON parses
          // and schema checks) would hold the event loop, and the service's HTTP requests, for tens of milliseconds.
          if (++sinceYield >= 32) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
        if (!stopper.signal.aborted) logger.warn('consume iterator ended; restarting it');
      } catch (err) {
        if (stopper.signal.aborted) break;
        if (isJetStreamNotFound(err)) needsSetUp = true;
        logger.warn({ err: errorMessage(err), attempt }, 'consuming failed; retrying');
      } finally {
        current = undefined;
      }
      if (!stopper.signal.aborted) await sleep(backoffDelay(attempt++, 250, 15_000), stopper.signal);
    }
  })();

  async function watchStatus(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === 'heartbeats_missed' && s.count >= 4) {
        // The client re-checks after 2 missed heartbeats; 4 in a row means it did not recover: start over.
        logger.warn({ missed: s.count }, 'consumer heartbeats missed; restarting consumption');
        messages.stop();
      } else if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
        logger.warn({ status: s.type }, 'durable consumer or stream is gone (NATS lost its store?); re-creating it');
        needsSetUp = true;
        messages.stop();
      }
    }
  }

  const advisory = watchMaxDeliveries(bus, streamName, service, logger);

  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= (async () => {
        stopper.abort();
        current?.stop();
        advisory?.unsubscribe();
        await loop;
        await sink.idle();
        logger.info('consumer stopped');
      })();
      return stopping;
    },
  };
}

/** The server's advisory when a message ran out of deliveries without an ack or term (e.g. its handler kept timing out). */
function watchMaxDeliveries(bus: Bus, streamName: string, service: string, logger: Logger): Subscription | undefined {
  try {
    return bus.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${streamName}.${service}`, {
      callback: (err, m) => {
        if (err) return;
        let info: { stream_seq?: number; deliveries?: number };
        try {
          info = m.json();
        } catch {
          return;
        }
        void bus.jsm.streams
          .getMessage(streamName, { seq: info.stream_seq ?? 0 })
          .then((sm) => sm?.header.get('Nats-Msg-Id'))
          .catch(() => undefined)
          .then((eventId) =>
            logger.error({ streamSeq: info.stream_seq, deliveries: info.deliveries, eventId }, 'event exhausted max_deliver; it stays in the stream, this consumer moved on'),
          );
      },
    });
  } catch {
    return undefined;
  }
}
