// One Jest run for every backend package. Tests talk to the real PostgreSQL, NATS and Redis;
// each test file isolates itself (its own database, stream names, Redis prefix), so files run in parallel.
/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/common', '<rootDir>/auth', '<rootDir>/tickets', '<rootDir>/orders', '<rootDir>/expiration', '<rootDir>/payments', '<rootDir>/catalog', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@ticketing/common$': '<rootDir>/common/src/index.ts',
    '^@ticketing/common/(.*)$': '<rootDir>/common/src/$1',
  },
  testTimeout: 30000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 3,
};
