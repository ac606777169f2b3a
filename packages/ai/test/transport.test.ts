import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatFactory, embeddingsFactory, InferenceError, InferenceTimeoutError } from '@s2/ai';
import { encodeEventStreamMessage, bedrockEvent } from '@s2/fakes/ai';
import { eventStreamMessages } from '../src/protocol/eventstream.js';
import { since, useFakeAi } from './support.js';

const fake = useFakeAi();
afterEach(() => vi.unstubAllEnvs());

const platforms = [
  ['Azure', () => fake().openaiUrl],
  ['Amazon', () => fake().bedrockUrl],
] as const;

describe.each(platforms)('headers on the %s path', (platform, url) => {
  const make = (extra: Record<string, unknown>) => chatFactory({ modelName: 'm', baseUrl: url(), hostingPlatform: platform, ...extra });

  it('apiKey wins over SINGLESTOREDB_USER_TOKEN; the env token is used when no key is given', async () => {
    vi.stubEnv('SINGLESTOREDB_USER_TOKEN', 'env-token');
    const from = fake().requests.length;
    await (await make({ apiKey: 'arg-token' })).chat([{ role: 'user', content: 'x' }]);
    await (await make({})).chat([{ role: 'user', content: 'x' }]);
    expect(since(fake(), from).map((r) => r.headers.authorization)).toEqual(['Bearer arg-token', 'Bearer env-token']);
  });

  it('extra headers, fixed or per request (e.g. a trace context)', async () => {
    let n = 0;
    const from = fake().requests.length;
    await (await make({ apiKey: 'k', headers: { 'X-Fixed': 'yes' } })).chat([{ role: 'user', content: 'x' }]);
    const perRequest = await make({ apiKey: 'k', headers: async () => ({ traceparent: `00-${String(++n).padStart(32, '0')}-00f067aa0ba902b7-01` }) });
    await perRequest.chat([{ role: 'user', content: 'x' }]);
    await perRequest.chat([{ role: 'user', content: 'x' }]);
    const got = since(fake(), from);
    expect(got[0]!.headers['x-fixed']).toBe('yes');
    expect(got.slice(1).map((r) => r.headers.traceparent?.slice(3, 35))).toEqual(['1'.padStart(32, '0'), '2'.padStart(32, '0')]);
  });

  it('no token at all: no Authorization header', async () => {
    const from = fake().requests.length;
    await (await make({ env: {} })).chat([{ role: 'user', content: 'x' }]);
    expect(since(fake(), from)[0]!.headers).not.toHaveProperty('authorization');
  });

  it('an async token getter is asked before every request (rotated tokens are picked up)', async () => {
    let n = 0;
    const chat = await make({ apiKey: async () => `t${++n}`, env: {} });
    const from = fake().requests.length;
    await chat.chat([{ role: 'user', content: 'x' }]);
    await chat.chat([{ role: 'user', content: 'x' }]);
    expect(since(fake(), from).map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('a token getter that throws fails the call once with its own error: not wrapped, not retried', async () => {
    let calls = 0;
    const broken = new RangeError('vault unreachable');
    const chat = await make({
      apiKey: () => {
        calls++;
        throw broken;
      },
      env: {},
      retryBaseMs: 1,
    });
    const from = fake().requests.length;
    await expect(chat.chat([{ role: 'user', content: 'x' }])).rejects.toBe(broken);
    expect(calls).toBe(1);
    expect(since(fake(), from)).toHaveLength(0);
  });

  it('X-S2-OBO only when the getter returns a value; never X-Amz-Date or X-Amz-Security-Token', async () => {
    const values = ['obo-1', null, ''];
    const chat = await make({ apiKey: 'k', oboTokenGetter: () => values.shift() });
    const from = fake().requests.length;
    for (let i = 0; i < 3; i++) await chat.chat([{ role: 'user', content: 'x' }]);
    const got = since(fake(), from);
    expect(got.map((r) => r.headers['x-s2-obo'])).toEqual(['obo-1', undefined, undefined]);
    for (const r of got) {
      expect(r.headers).not.toHaveProperty('x-amz-date');
      expect(r.headers).not.toHaveProperty('x-amz-security-token');
    }
  });
});

describe('retries, timeouts, cancellation', () => {
  const chat = (extra: Record<string, unknown> = {}) =>
    chatFactory({ modelName: 'm', baseUrl: fake().openaiUrl, hostingPlatform: 'Azure', env: {}, retryBaseMs: 1, ...extra });

  it('retries 429 and 5xx, then succeeds', async () => {
    const from = fake().requests.length;
    fake().failNext(1, 429);
    fake().failNext(1, 503);
    expect((await (await chat()).chat([{ role: 'user', content: 'ok' }])).text).toBe('ko');
    expect(since(fake(), from)).toHaveLength(3);
  });

  it('gives up after maxRetries with the last status', async () => {
    const from = fake().requests.length;
    fake().failNext(3, 502);
    const err = await (await chat({ maxRetries: 2 })).chat([{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).status).toBe(502);
    expect(since(fake(), from)).toHaveLength(3);
  });

  it('does not retry other errors (400)', async () => {
    const from = fake().requests.length;
    fake().failNext(1, 400);
    await expect((await chat()).chat([{ role: 'user', content: 'x' }])).rejects.toMatchObject({ status: 400 });
    expect(since(fake(), from)).toHaveLength(1);
  });

  it('Retry-After wins over the backoff', async () => {
    fake().failNext(1, 429, '0');
    // a 10-minute backoff would time the test out; Retry-After: 0 means go again now
    const r = await (await chat({ retryBaseMs: 600_000 })).chat([{ role: 'user', content: 'ab' }]);
    expect(r.text).toBe('ba');
  }, 20_000);

  it('retries streaming requests before the stream starts', async () => {
    fake().failNext(1, 500);
    const out: string[] = [];
    for await (const c of (await chat()).stream([{ role: 'user', content: 'abc' }])) if (c.type === 'text') out.push(c.text);
    expect(out.join('')).toBe('cba');
  });

  it('a request that gets no answer fails with InferenceTimeoutError', async () => {
    fake().stallNext(1);
    const err = await (await chat({ timeoutMs: 200, maxRetries: 0 })).chat([{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceTimeoutError);
  });

  it('an aborted signal rejects with its reason, not an InferenceError, and is not retried', async () => {
    fake().stallNext(1);
    const from = fake().requests.length;
    const ac = new AbortController();
    const c = await chat();
    const pending = c.chat([{ role: 'user', content: 'x' }], { signal: ac.signal });
    await vi.waitFor(() => expect(since(fake(), from)).toHaveLength(1));
    const reason = new Error('user cancelled');
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(since(fake(), from)).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const from = fake().requests.length;
    const e = await embeddingsFactory({ modelName: 'm', baseUrl: fake().openaiUrl, hostingPlatform: 'Nova', env: {} });
    await expect(e.embedQuery('x', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(since(fake(), from)).toHaveLength(0);
  });

  it('a refused connection is an InferenceError without a status, after the retries', async () => {
    const dead = await chatFactory({ modelName: 'm', baseUrl: 'http://127.0.0.1:9/v1', hostingPlatform: 'Azure', env: {}, retryBaseMs: 1 });
    const err = await dead.chat([{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).status).toBeNull();
  });
});

describe.each(platforms)('a stream that goes silent on the %s path', (platform, url) => {
  const make = (extra: Record<string, unknown> = {}) =>
    chatFactory({ modelName: 'm', baseUrl: url(), hostingPlatform: platform, env: {}, maxRetries: 0, ...extra });

  it('fails with InferenceTimeoutError after timeoutMs of silence, after the text that came', async () => {
    const seen: string[] = [];
    const chat = await make({ timeoutMs: 300 });
    const run = async () => {
      for await (const c of chat.stream([{ role: 'user', content: 'stall mid-stream' }])) if (c.type === 'text') seen.push(c.text);
    };
    await expect(run()).rejects.toBeInstanceOf(InferenceTimeoutError);
    expect(seen).toEqual(['partial']);
  });

  it('an abort while streaming rejects with the reason', async () => {
    const ac = new AbortController();
    const reason = new Error('stop streaming');
    const chat = await make();
    const run = async () => {
      for await (const c of chat.stream([{ role: 'user', content: 'stall mid-stream' }], { signal: ac.signal })) if (c.type === 'text') ac.abort(reason);
    };
    await expect(run()).rejects.toBe(reason);
  });
});

describe('event-stream decoding', () => {
  const stream = (bytes: Uint8Array, piece = 3) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += piece) c.enqueue(bytes.slice(i, i + piece));
        c.close();
      },
    });
  const decode = async (bytes: Uint8Array) => {
    const out = [];
    for await (const m of eventStreamMessages(stream(bytes), 'test')) out.push(m);
    return out;
  };

  it('decodes messages split at any byte', async () => {
    const a = bedrockEvent('messageStart', { role: 'assistant' });
    const b = encodeEventStreamMessage({ ':event-type': 'x', other: 'y' }, new Uint8Array([1, 2, 3]));
    const all = new Uint8Array([...a, ...b]);
    const got = await decode(all);
    expect(got.map((m) => m.headers[':event-type'])).toEqual(['messageStart', 'x']);
    expect(got[1]!.headers.other).toBe('y');
    expect([...got[1]!.payload]).toEqual([1, 2, 3]);
  });

  it('rejects a corrupted message, a corrupted prelude and a truncated stream', async () => {
    const good = bedrockEvent('metadata', { usage: {} });
    const badBody = good.slice();
    badBody[20] ^= 0xff;
    await expect(decode(badBody)).rejects.toThrow(/message checksum/);
    const badPrelude = good.slice();
    badPrelude[1] ^= 0x01;
    await expect(decode(badPrelude)).rejects.toThrow(/prelude checksum/);
    await expect(decode(good.slice(0, good.length - 2))).rejects.toThrow(/trailing bytes/);
  });
});
