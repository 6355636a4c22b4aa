import { startConsumer, type Bus, type Consumer, type TxConsumerOptions } from '../bus';
import type { Pool } from '../db/pool';
import type { Logger } from '../log/logger';

/** One durable consumer of a service, as the service declares it: the stream, its handlers and tuning. */
export type ConsumerDeclaration = Omit<TxConsumerOptions, 'bus' | 'pool' | 'logger' | 'service' | 'faults'>;

export interface ConsumerDeps {
  /** The durable consumers' name: the service's name. */
  service: string;
  bus: Bus;
  pool: Pool;
  logger: Logger;
  faults?: TxConsumerOptions['faults'];
  /** Tests shorten the redelivery back-off. */
  backoffMs?: number[];
  maxDeliver?: number;
}

/** Starts a service's consumers in order; if one fails to start, the ones started are stopped. Stops them all together. */
export async function startConsumers(declarations: ConsumerDeclaration[], deps: ConsumerDeps): Promise<Consumer> {
  const { backoffMs, maxDeliver, ...shared } = deps;
  const started: Consumer[] = [];
  const stopAll = async () => void (await Promise.all(started.map((c) => c.stop())));
  try {
    for (const declaration of declarations) {
      started.push(await startConsumer({ backoffMs, maxDeliver, ...declaration, ...shared }));
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { stop: stopAll };
}
