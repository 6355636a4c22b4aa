export * from './database';
export * from './session';
export * from './wait-for';
export * from './bus';
export * from './nats-server';
export * from './free-port';
export * from './run-from-source';
export * from './transaction-race';
