// Types for scripts/services.cjs (the service table). Names are plain strings so that a new service is one line in
// the table, not also a line here; an unknown name fails at run time with the list of the known ones.

export type ServiceName = string;
export type ServiceNeed = 'db' | 'nats' | 'redis' | 'jwt-private' | 'item-keys';

export interface ServiceDefinition {
  name: ServiceName;
  port: number;
  localPort?: number;
  dir: string;
  entry?: string;
  kind?: 'next';
  needs: ServiceNeed[];
  redisPrefix?: [string, string];
  health: string;
  /** Path prefixes the gateway sends here. */
  routes?: string[];
}

export declare const SERVICES: ServiceDefinition[];
export declare const BACKEND_SERVICES: (ServiceDefinition & { entry: string })[];
export declare const GATEWAY_PORT: number;
export declare const SERVICE_DOCKERFILE: string;
export declare function serviceNamed(name: ServiceName): ServiceDefinition;
export declare function localPortOf(service: ServiceDefinition): number;
export declare function imageOf(service: ServiceDefinition): { image: string; dockerfile: string; buildArgs: Record<string, string> };
