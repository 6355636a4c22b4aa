import { JetStreamApiError, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Streams, type StreamKey } from '../events/contracts';
import type { Bus } from './connection';

/** JetStream drops a message whose Nats-Msg-Id it saw within this window: the relay's republish after a crash. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;

export interface EnsureStreamsOptions {
  /** Copies of each stream in a JetStream cluster (default 1; use 3 in a 3-node cluster). */
  replicas?: number;
  /** Drop messages older than this (default: keep; streams are the replay source for new replicas). */
  maxAgeMs?: number;
}

function desiredConfig(bus: Bus, key: StreamKey, opts: EnsureStreamsOptions): Partial<StreamConfig> & { name: string } {
  const ns = bus.namespace ? `${bus.namespace}.` : '';
  return {
    name: bus.streamName(key),
    subjects: [`${ns}${Streams[key].aggregate}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: opts.replicas ?? 1,
    max_age: nanos(opts.maxAgeMs ?? 0),
  };
}

export function isJetStreamNotFound(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === 10059 || err.code === 10014; // stream / consumer not found
  return /not found/i.test((err as Error | undefined)?.message ?? '');
}

/**
 * Creates the streams or brings their settings up to date; safe to call from every replica at every start-up.
 * Storage and retention cannot change on a live stream, so only the updatable settings are updated.
 */
export async function ensureStreams(bus: Bus, keys: StreamKey[], opts: EnsureStreamsOptions = {}): Promise<void> {
  for (const key of keys) {
    const cfg = desiredConfig(bus, key, opts);
    let existing: StreamConfig | undefined;
    try {
      existing = (await bus.jsm.streams.info(cfg.name)).config;
    } catch (err) {
      if (!isJetStreamNotFound(err)) throw err;
    }
    if (!existing) {
      try {
        await bus.jsm.streams.add(cfg);
        continue;
      } catch (err) {
        // Another replica created it between our info and add: fall through to the update path.
        existing = (await bus.jsm.streams.info(cfg.name).catch(() => { throw err; })).config;
      }
    }
    const same =
      JSON.stringify([...(existing.subjects ?? [])].sort()) === JSON.stringify([...(cfg.subjects ?? [])].sort()) &&
      existing.duplicate_window === cfg.duplicate_window &&
      existing.num_replicas === cfg.num_replicas &&
      (existing.max_age ?? 0) === cfg.max_age;
    if (!same) {
      const { name, subjects, duplicate_window, num_replicas, max_age } = cfg;
      await bus.jsm.streams.update(name, { subjects, duplicate_window, num_replicas, max_age });
    }
  }
}
