import { describe, expect, it } from 'vitest';
import { pollUntil } from '../src/vitest.js';

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
