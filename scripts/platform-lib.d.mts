// Types for scripts/platform-lib.mjs (in-process; ES modules only). Jest tests use platform-process.cjs instead.
import type { PlatformInfo, PlatformOptions, ServiceName } from './platform-process.cjs';

export type { PlatformInfo, PlatformOptions, ServiceName, RunningService } from './platform-process.cjs';

export interface Platform extends PlatformInfo {
  kill(name: ServiceName, signal?: NodeJS.Signals): boolean;
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  waitReady(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

export interface ServiceDefinition {
  name: ServiceName;
  port: number;
  dir: string;
  entry?: string;
  kind?: 'next';
  needs: ('db' | 'nats' | 'redis' | 'jwt-private')[];
  redisPrefix?: [string, string];
  health: string;
  route?: string;
}

export declare const ROOT: string;
export declare const SERVICES: ServiceDefinition[];
export declare const GATEWAY_PORT: number;
export declare class PlatformError extends Error {
  code: string | undefined;
}

export declare function startPlatform(
  options?: PlatformOptions & {
    root?: string;
    log?: 'inherit' | false | ((chunk: string) => void);
    signal?: AbortSignal;
    onFatal?: (message: string) => void;
  },
): Promise<Platform>;
