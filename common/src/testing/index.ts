export * from './database';
export * from './session';
