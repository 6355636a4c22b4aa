import { z } from 'zod';
import { ConfigError, configFields, loadConfig, loadConfigOrExit } from '@ticketing/common';
import { testKeys } from '@ticketing/common/testing';

const schema = z.object({
  NODE_ENV: configFields.NODE_ENV,
  PORT: configFields.port(3002),
  DATABASE_URL: configFields.DATABASE_URL,
  REDIS_URL: configFields.REDIS_URL,
  JWT_PUBLIC_KEY: configFields.JWT_PUBLIC_KEY,
  JWT_PRIVATE_KEY: configFields.JWT_PRIVATE_KEY,
  ORDER_EXPIRATION_SECONDS: configFields.seconds(900),
});

const valid = (): Record<string, string | undefined> => ({
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders',
  JWT_PUBLIC_KEY: testKeys().publicKey,
  JWT_PRIVATE_KEY: testKeys().privateKey,
});

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(schema, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(schema, valid());
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3002, REDIS_URL: 'redis://127.0.0.1:6379', ORDER_EXPIRATION_SECONDS: 900 });
    expect(loadConfig(schema, { ...valid(), PORT: '4000', ORDER_EXPIRATION_SECONDS: '60' })).toMatchObject({ PORT: 4000, ORDER_EXPIRATION_SECONDS: 60 });
  });

  it('accepts PEM keys written on one line with \\n escapes', () => {
    const oneLine = testKeys().publicKey.replace(/\n/g, '\\n');
    expect(loadConfig(schema, { ...valid(), JWT_PUBLIC_KEY: oneLine }).JWT_PUBLIC_KEY).toBe(testKeys().publicKey.trim());
  });

  it.each([
    ['DATABASE_URL', /^DATABASE_URL is missing: set it to a URL like postgres:\/\/user@127\.0\.0\.1:5432\/dbname$/],
    ['JWT_PUBLIC_KEY', /^JWT_PUBLIC_KEY is missing: set it to a PEM-encoded public key \("-----BEGIN PUBLIC KEY-----\.\.\."\)$/],
    ['JWT_PRIVATE_KEY', /^JWT_PRIVATE_KEY is missing: set it to a PEM-encoded private key/],
  ])('a missing %s is named, with what it should look like', (name, message) => {
    expect(problemsOf({ ...valid(), [name]: undefined })).toEqual([expect.stringMatching(message)]);
    expect(problemsOf({ ...valid(), [name]: '' })).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['DATABASE_URL', 'mysql://x@y/z', /^DATABASE_URL is invalid: must be a URL like postgres:\/\//],
    ['DATABASE_URL', 'not a url', /^DATABASE_URL is invalid: must be a URL like postgres:\/\//],
    ['REDIS_URL', 'http://127.0.0.1:6379', /^REDIS_URL is invalid: must be a URL like redis:\/\/127\.0\.0\.1:6379$/],
    ['PORT', 'eighty', /^PORT is invalid: must be a TCP port number$/],
    ['PORT', '70000', /^PORT is invalid: must be a TCP port number$/],
    ['ORDER_EXPIRATION_SECONDS', '-5', /^ORDER_EXPIRATION_SECONDS is invalid: must be a number of seconds$/],
    ['ORDER_EXPIRATION_SECONDS', 'soon', /^ORDER_EXPIRATION_SECONDS is invalid: must be a number of seconds$/],
    ['NODE_ENV', 'staging', /^NODE_ENV is invalid: .*"development".*"production".*"test"/],
    ['JWT_PUBLIC_KEY', 'abc', /^JWT_PUBLIC_KEY is invalid: must be a PEM-encoded public key/],
  ])('a malformed %s (%s) is named, with what it should look like', (name, value, message) => {
    expect(problemsOf({ ...valid(), [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('reports every bad variable at once, and the error message lists them', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(schema, { PORT: 'x' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.split(' ')[0]).sort()).toEqual(['DATABASE_URL', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY', 'PORT']);
    expect(error?.message).toMatch(/^Invalid configuration:\n {2}- /);
  });
});

describe('loadConfigOrExit', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints what to fix and exits 78 (EX_CONFIG) before anything starts', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    expect(() => loadConfigOrExit(schema, 'orders', { ...valid(), DATABASE_URL: undefined })).toThrow('exit 78');
    expect(exit).toHaveBeenCalledWith(78);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/^orders: cannot start\. Invalid configuration:/);
    expect(printed).toContain('DATABASE_URL is missing');
  });

  it('returns the config when the environment is valid', () => {
    expect(loadConfigOrExit(schema, 'orders', valid()).PORT).toBe(3002);
    expect(stderr).not.toHaveBeenCalled();
  });
});
