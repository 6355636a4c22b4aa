import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, headers, nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nowMs, resultOf, type JetStreamRoundTripJob, type RunResult, type Sample } from '../protocol.mjs';
import { startAtRate } from './open-loop.mjs';

/**
 * The baseline of "propagation": what the bus alone costs. Messages published at the scenario's rate (with a
 * Nats-Msg-Id, awaiting the PubAck, as the outbox relay does) to a file-backed stream configured like the platform's,
 * consumed by a durable pull consumer with explicit acks (as services consume). Latency = publish call → receipt.
 */
export async function runJetStreamRoundTrip(job: JetStreamRoundTripJob): Promise<RunResult> {
  const nc = await connect({ servers: job.natsUrl.split(','), name: 'bench-jetstream-baseline' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const subject = `${job.streamName}.event`;
  try {
    await jsm.streams.add({
      name: job.streamName,
      subjects: [`${job.streamName}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(120_000),
    });
    await jsm.consumers.add(job.streamName, {
      durable_name: 'bench',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: 1000,
    });
    const consumer = await js.consumers.get(job.streamName, 'bench');
    const messages = await consumer.consume({ max_messages: 32 });
    const sentAt = new Map<number, number>();
    const samples: Sample[] = [];
    const received = (async () => {
      for await (const m of messages) {
        const end = nowMs();
        const index = Number(m.headers?.get('Bench-Index'));
        samples.push([index, 1, end - (sentAt.get(index) ?? end), end]);
        m.ack();
        if (samples.length >= job.count) break;
      }
    })();

    const payload = new TextEncoder().encode(JSON.stringify({ id: randomUUID(), pad: 'x'.repeat(Math.max(0, job.payloadBytes - 60)) }));
    const { startedAt, started: publishes } = await startAtRate(job.ratePerSec, job.count, (i) => {
      const h = headers();
      h.set('Bench-Index', String(i));
      sentAt.set(i, nowMs());
      return js.publish(subject, payload, { msgID: randomUUID(), headers: h });
    });
    await Promise.all(publishes);
    await Promise.race([received, sleep(30_000)]);
    messages.stop();
    return resultOf(startedAt, samples);
  } finally {
    await jsm.streams.delete(job.streamName).catch(() => undefined);
    await nc.close();
  }
}
