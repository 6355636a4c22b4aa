// Types for scripts/platform/index.mjs (in-process; ES modules only). Jest tests use process.cjs instead.
import type { PlatformInfo, PlatformOptions } from './process.cjs';
import type { ServiceDefinition, ServiceName } from '../services.cjs';

export type { DemoReport, PlatformInfo, PlatformOptions, RunningService } from './process.cjs';
export type { ServiceDefinition, ServiceName } from '../services.cjs';

export interface Platform extends PlatformInfo {
  kill(name: ServiceName, signal?: NodeJS.Signals): boolean;
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  waitReady(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
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
