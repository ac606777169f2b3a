import { describe, expect, it } from 'vitest';
import { pollUntil, statementRunning } from '../src/vitest.js';

describe('pollUntil', () => {
  it('resolves true as soon as the condition holds, sync or async', async () => {
    let calls = 0;
    expect(await pollUntil(() => ++calls === 3, 10_000, 1)).toBe(true);
    expect(calls).toBe(3);
    let asyncCalls = 0;
    expect(await pollUntil(async () => ++asyncCalls === 2, 10_000, 1)).toBe(true);
    expect(asyncCalls).toBe(2);
  });

  it('gives up after the cap and resolves false (one look per interval, then a last one)', async () => {
    let calls = 0;
    expect(await pollUntil(() => (calls++, false), 100, 20)).toBe(false);
    expect(calls).toBe(6);
  });
});

describe('statementRunning', () => {
  it('asks PROCESSLIST for statements starting with the prefix (quotes escaped) and reads the count', async () => {
    const asked: string[] = [];
    let count: unknown = 0n;
    const running = statementRunning(async (sql) => (asked.push(sql), [[count]]), "select 'x' as t");
    expect(await running()).toBe(false);
    count = 1n;
    expect(await running()).toBe(true);
    expect(asked[0]).toBe("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'select \\'x\\' as t%'");
  });
});
