/**
 * The marketplace's pure rules (split rules, fees, price cap), importable on their own as `@ticketing/common/market`
 * so the client computes the same numbers the services decide with.
 */
export * from './fees';
export * from './split';
