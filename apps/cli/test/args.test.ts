import { describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { parseCommand } from '../src/args.js';

describe('s2 argument parsing', () => {
  it('passes the gateway limits and the UDF worker count through', () => {
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h:3307', '--max-connections', '4', '--query-timeout', '1500'])).toMatchObject({
      command: 'data-api-gateway',
      target: { host: 'h', port: 3307 },
      maxConnections: 4,
      queryTimeoutMs: 1500,
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h'])).toMatchObject({
      maxConnections: 32,
      queryTimeoutMs: 0,
      requestTimeoutMs: 30000,
      maxQueued: undefined,
    });
    expect(parseCommand(['data-api-gateway', '--target', 'mysql://h', '--request-timeout', '5000', '--max-queued', '0'])).toMatchObject({
      requestTimeoutMs: 5000,
      maxQueued: 0,
    });
    expect(parseCommand(['udf', 'serve', 'f.ts', '--workers', '3'])).toMatchObject({ command: 'udf-serve', workers: 3 });
    expect(parseCommand(['udf', 'serve', 'f.ts'])).toMatchObject({ workers: 0 });
  });

  it('refuses limits that are not whole numbers', () => {
    expect(() => parseCommand(['udf', 'serve', 'f.ts', '--workers=-1'])).toThrow(OptionError);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h', '--query-timeout', '1.5'])).toThrow(/--query-timeout must be a whole number/);
    expect(() => parseCommand(['data-api-gateway', '--target', 'mysql://h', '--max-connections', '0'])).toThrow(/--max-connections must be a positive integer/);
  });
});
