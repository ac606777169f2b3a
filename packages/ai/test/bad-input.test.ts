/**
 * Malformed replies and wrong arguments: typed errors (InferenceError for what the endpoint
 * sent, OptionError for what the caller passed), never a TypeError, a DOMException, vectors
 * silently paired with the wrong texts, or a timeout that fires at once.
 */
import { describe, expect, it } from 'vitest';
import { NotSupportedError, OptionError } from '@s2/base';
import { chatFactory, embeddingsFactory, InferenceError, InferenceTimeoutError, type BedrockChat } from '@s2/ai';

type Reply = (body: { input: unknown[] }) => unknown;

/** A `fetch` that answers every request with `reply(requestBody)` as JSON, after `delayMs`. */
function scripted(reply: Reply, delayMs = 0): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return new Response(JSON.stringify(reply(JSON.parse(String(init!.body)) as { input: unknown[] })), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

/** A `fetch` whose body sends `chunks` and then stays open until the request is aborted (as fetch's bodies do). */
function stallingFetch(chunks: Uint8Array[], contentType: string): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        init?.signal?.addEventListener('abort', () => c.error(init.signal!.reason));
      },
    });
    return new Response(body, { headers: { 'content-type': contentType } });
  }) as typeof fetch;
}

/** A chat client (no retries, 5 s per attempt) whose replies send `chunks` and then stall. */
const stallingChat = (chunks: Uint8Array[], contentType: string) =>
  chatFactory({
    modelName: 'm',
    baseUrl: 'http://fake.invalid/v1',
    hostingPlatform: 'Nova',
    env: {},
    maxRetries: 0,
    timeoutMs: 5_000,
    fetch: stallingFetch(chunks, contentType),
  });

const embeddings = (reply: Reply, extra: Record<string, unknown> = {}) =>
  embeddingsFactory({
    modelName: 'm',
    baseUrl: 'http://fake.invalid/v1',
    hostingPlatform: 'Nova',
    env: {},
    maxRetries: 0,
    encodingFormat: 'float',
    fetch: scripted(reply),
    ...extra,
  });

describe('embedding replies whose indexes do not cover the inputs', () => {
  it.each([
    ['an index past the end', [0, 5]],
    ['a duplicate index', [0, 0]],
    ['a negative index', [0, -1]],
    ['a fractional index', [0, 0.5]],
  ])('%s is an InferenceError, not vectors paired with the wrong texts', async (_label, indexes) => {
    const e = await embeddings((body) => ({ data: body.input.map((_, i) => ({ index: indexes[i], embedding: [i, 1] })) }));
    const err = await e.embedDocuments(['a', 'b']).catch((err: unknown) => err);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toMatch(/index/);
  });

  it('indexes in any order are put back in input order', async () => {
    const e = await embeddings((body) => ({ data: body.input.map((_, i) => ({ index: i, embedding: [i, 1] })).reverse() }));
    expect(await e.embedDocuments(['a', 'b', 'c'])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  it('a base64 embedding that is not base64 is an InferenceError', async () => {
    const e = await embeddings((body) => ({ data: body.input.map((_, index) => ({ index, embedding: '%%% not base64 %%%' })) }));
    expect(await e.embedDocuments(['a']).catch((err: unknown) => err)).toBeInstanceOf(InferenceError);
  });
});

describe('replies that are valid JSON of the wrong shape', () => {
  const client = (platform: 'Nova' | 'Amazon', reply: unknown) =>
    chatFactory({ modelName: 'm', baseUrl: 'http://fake.invalid/v1', hostingPlatform: platform, env: {}, maxRetries: 0, fetch: scripted(() => reply) });

  it.each([
    ['null', 'Nova', null],
    ['a list', 'Nova', []],
    ['a null tool call', 'Nova', { choices: [{ message: { tool_calls: [null] }, finish_reason: 'tool_calls' }] }],
    ['null', 'Amazon', null],
    ['a null content block', 'Amazon', { output: { message: { content: [null] } } }],
  ] as const)('a chat reply of %s is an InferenceError, not a TypeError (%s)', async (_label, platform, reply) => {
    const chat = await client(platform, reply);
    expect(await chat.chat([{ role: 'user', content: 'x' }]).catch((err: unknown) => err)).toBeInstanceOf(InferenceError);
  });

  it.each([
    ['data: null\n\n', /sent null where a stream event object was expected/],
    ['data: {"choices":[{"delta":{"tool_calls":[null]}}]}\n\n', /tool call that is null/],
  ])('a stream event %j is an InferenceError, not a TypeError', async (events, message) => {
    const chat = await chatFactory({
      modelName: 'm',
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Nova',
      env: {},
      maxRetries: 0,
      fetch: (async () => new Response(`${events}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } })) as typeof fetch,
    });
    const err = await (async () => {
      for await (const _ of chat.stream([{ role: 'user', content: 'x' }]));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toMatch(message);
  });

  /** NaN as little-endian float32 bytes: base64 can carry what JSON cannot. */
  const NAN_BASE64 = Buffer.from(new Float32Array([1, Number.NaN]).buffer).toString('base64');

  it.each<[string, Reply, RegExp]>([
    ['null', () => null, /sent null where a reply object was expected/],
    ['a null item', () => ({ data: [null] }), /sent null in place of embedding 0/],
    ['values that are not numbers', () => ({ data: [{ index: 0, embedding: ['x', null] }] }), /string at position 0/],
    ['an empty vector', () => ({ data: [{ index: 0, embedding: [] }] }), /empty/],
    ['a NaN in base64', () => ({ data: [{ index: 0, embedding: NAN_BASE64 }] }), /NaN at position 1/],
  ])('an OpenAI-compatible embeddings reply with %s is an InferenceError', async (_label, reply, message) => {
    const e = await embeddings(reply);
    const err = await e.embedDocuments(['a']).catch((err: unknown) => err);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toMatch(message);
  });

  it('embeddings of different lengths in one call are an InferenceError, within a request and across requests', async () => {
    const uneven = await embeddings((body) => ({ data: body.input.map((_, index) => ({ index, embedding: index === 0 ? [1, 2] : [1] })) }));
    expect(await uneven.embedDocuments(['a', 'b']).catch((err: unknown) => err)).toBeInstanceOf(InferenceError);
    let calls = 0;
    const perRequest = await embeddings((body) => ({ data: body.input.map((_, index) => ({ index, embedding: calls++ === 0 ? [1, 2] : [1] })) }), {
      batchSize: 1,
      concurrency: 1,
    });
    const err = await perRequest.embedDocuments(['a', 'b']).catch((err: unknown) => err);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toMatch(/different lengths \(2 and 1\)/);
  });

  it.each([
    ['null', 'amazon.titan-embed-text-v2:0', null],
    ['a null embedding', 'amazon.titan-embed-text-v2:0', { embedding: null }],
    ['values that are not numbers', 'amazon.titan-embed-text-v2:0', { embedding: ['x'] }],
    ['null', 'cohere.embed-english-v3', null],
    ['a null vector', 'cohere.embed-english-v3', { embeddings: [null] }],
    ['a null item', 'amazon.nova-2-multimodal-embeddings-v1:0', { embeddings: [null] }],
  ] as const)('a Bedrock embeddings reply of %s is an InferenceError (%s)', async (_label, modelName, reply) => {
    const e = await embeddingsFactory({
      modelName,
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Amazon',
      env: {},
      maxRetries: 0,
      fetch: scripted(() => reply),
    });
    expect(await e.embedDocuments(['a']).catch((err: unknown) => err)).toBeInstanceOf(InferenceError);
  });
});

describe('wrong arguments to the clients', () => {
  const ok: Reply = (body) => ({ data: body.input.map((_, index) => ({ index, embedding: [1, 0] })) });
  it.each([
    ['a string instead of a list', 'abc'],
    ['a list with null', ['a', null]],
    ['a list with a number', ['a', 42]],
    ['undefined', undefined],
  ])('embedDocuments(%s) is an OptionError', async (_label, texts) => {
    for (const platform of ['Nova', 'Amazon']) {
      const e = await embeddings(ok, { hostingPlatform: platform });
      const err = await e.embedDocuments(texts as never).catch((err: unknown) => err);
      expect(err, platform).toBeInstanceOf(OptionError);
    }
  });

  it('embedQuery(42) is an OptionError', async () => {
    const e = await embeddings(ok);
    expect(await e.embedQuery(42 as never).catch((err: unknown) => err)).toBeInstanceOf(OptionError);
  });

  it.each([
    ['a string instead of a list', 'hello'],
    ['undefined', undefined],
    ['a message without a role', [{ content: 'x' }]],
    ['a message with content 42', [{ role: 'user', content: 42 }]],
  ])('chat(%s) is an OptionError on both protocols', async (_label, messages) => {
    for (const platform of ['Nova', 'Amazon']) {
      const chat = await chatFactory({
        modelName: 'm',
        baseUrl: 'http://fake.invalid/v1',
        hostingPlatform: platform,
        env: {},
        maxRetries: 0,
        fetch: scripted(() => ({})),
      });
      expect(await chat.chat(messages as never).catch((err: unknown) => err), platform).toBeInstanceOf(OptionError);
    }
  });
});

describe('transport options', () => {
  it.each([
    ['timeoutMs', 0],
    ['timeoutMs', -5],
    ['timeoutMs', Number.NaN],
    ['maxRetries', -1],
    ['maxRetries', 1.5],
    ['retryBaseMs', -1],
  ])('%s = %s is an OptionError at the factory', async (name, value) => {
    expect(await embeddings(() => ({}), { [name]: value }).catch((err: unknown) => err)).toBeInstanceOf(OptionError);
  });

  it('a timeout longer than a timer can hold (2^31 ms and more) waits instead of firing at once', async () => {
    for (const timeoutMs of [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY]) {
      const e = await embeddingsFactory({
        modelName: 'm',
        baseUrl: 'http://fake.invalid/v1',
        hostingPlatform: 'Nova',
        env: {},
        maxRetries: 0,
        encodingFormat: 'float',
        timeoutMs,
        fetch: scripted((body) => ({ data: body.input.map((_, index) => ({ index, embedding: [1, 0] })) }), 30),
      });
      const result = await e.embedDocuments(['a']).catch((err: unknown) => err);
      expect(result, String(timeoutMs)).not.toBeInstanceOf(InferenceTimeoutError);
      expect(result).toEqual([[1, 0]]);
    }
  });
});

describe('LangChain messages with parts other than text', () => {
  it('an image part is a NotSupportedError, not silently dropped from the question', async () => {
    const { createChatModel } = await import('@s2/ai/langchain');
    const { HumanMessage } = await import('@langchain/core/messages');
    let requests = 0;
    const model = await createChatModel({
      modelName: 'm',
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Nova',
      env: {},
      maxRetries: 0,
      streaming: false,
      fetch: scripted(() => {
        requests++;
        return { choices: [{ message: { content: 'a cat' }, finish_reason: 'stop' }] };
      }),
    });
    const question = new HumanMessage({
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    });
    const err = await model.invoke([question]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect((err as Error).message).toMatch(/image_url/);
    expect(requests).toBe(0);
    // Text parts alone are joined as before.
    const ok = await model.invoke([
      new HumanMessage({
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      }),
    ]);
    expect(ok.content).toBe('a cat');
    expect(requests).toBe(1);
  });
});

describe('endpoint URLs', () => {
  it.each([
    ['empty (an empty variable)', ''],
    ['not a URL', 'not a url'],
    ['another scheme', 'ftp://host/v1'],
  ])('a base URL that is %s is an OptionError at the factory, before any request or retry', async (_label, baseUrl) => {
    let requests = 0;
    const fetchCounting = (async () => {
      requests++;
      return new Response('{}');
    }) as typeof fetch;
    for (const platform of ['Nova', 'Amazon']) {
      const err = await chatFactory({ modelName: 'm', baseUrl, hostingPlatform: platform, env: {}, fetch: fetchCounting }).catch((e: unknown) => e);
      expect(err, platform).toBeInstanceOf(OptionError);
      expect((err as Error).message).toMatch(/URL/);
    }
    expect(requests).toBe(0);
  });
});

describe('streams from a hostile endpoint', () => {
  /** A `fetch` answering 200 with `body` under `contentType` (null: no content type). */
  const answering = (body: string, contentType: string | null) =>
    (async () => new Response(body, { headers: contentType === null ? {} : { 'content-type': contentType } })) as typeof fetch;
  const drain = async (stream: AsyncIterable<unknown>) => {
    const out: unknown[] = [];
    for await (const c of stream) out.push(c);
    return out;
  };

  it.each([
    ['Nova', 'application/json'],
    ['Amazon', 'application/json'],
    ['Nova', null],
  ] as const)('a 200 reply to a stream request that is not a stream is an InferenceError with its body (%s, %s)', async (platform, contentType) => {
    let requests = 0;
    const reply = answering(JSON.stringify({ error: { message: 'The model `m` is not running', code: 'model_not_ready' } }), contentType);
    const chat = await chatFactory({
      modelName: 'm',
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: platform,
      env: {},
      retryBaseMs: 1,
      fetch: ((...args: Parameters<typeof fetch>) => {
        requests++;
        return reply(...args);
      }) as typeof fetch,
    });
    const err = await drain(chat.stream([{ role: 'user', content: 'x' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ status: 200, body: { error: { code: 'model_not_ready' } } });
    expect((err as Error).message).toMatch(/instead of an event stream: The model `m` is not running/);
    expect(requests).toBe(1);
  });

  it('the body kept for that error is bounded, even when the reply never ends', async () => {
    const chunk = new TextEncoder().encode('<html>'.padEnd(40_000, 'x'));
    const chat = await stallingChat([chunk, chunk, chunk], 'text/html; charset=utf-8');
    const err = await drain(chat.stream([{ role: 'user', content: 'x' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).not.toBeInstanceOf(InferenceTimeoutError);
    expect((err as InferenceError).body).toHaveLength(64 * 1024);
    expect((err as Error).message).toMatch(/content type text\/html instead of an event stream: <html>x/);
  });

  it('an InvokeModel stream chunk whose bytes are not base64 is an InferenceError, not a DOMException', async () => {
    const { bedrockEvent } = await import('@s2/fakes/ai');
    const frame = bedrockEvent('chunk', { bytes: 'not*base64!' });
    const fetchFrame = (async () => new Response(new Uint8Array(frame), { headers: { 'content-type': 'application/vnd.amazon.eventstream' } })) as typeof fetch;
    const chat = (await chatFactory({
      modelName: 'anthropic.claude',
      baseUrl: 'http://fake.invalid',
      hostingPlatform: 'Amazon',
      env: {},
      fetch: fetchFrame,
    })) as BedrockChat;
    const err = await drain(chat.invokeStream({ prompt: 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as Error).message).toMatch(/not base64/);
  });

  it('a stream content type with parameters is still a stream', async () => {
    const sse = `data: ${JSON.stringify({ choices: [{ delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
    const chat = await chatFactory({
      modelName: 'm',
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Nova',
      env: {},
      fetch: answering(sse, 'Text/Event-Stream; charset=utf-8'),
    });
    expect(await drain(chat.stream([{ role: 'user', content: 'x' }]))).toEqual([
      { type: 'text', text: 'hi' },
      expect.objectContaining({ type: 'finish', finishReason: 'stop' }),
    ]);
  });

  it('a frame announcing more than the 16 MiB event-stream limit fails at once, without buffering towards it', async () => {
    const { crc32 } = await import('../src/protocol/crc32.js');
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, 2 ** 31); // total length: 2 GiB
    view.setUint32(4, 0);
    view.setUint32(8, crc32(prelude, 0, 8));
    const fetchStalling = stallingFetch([prelude], 'application/vnd.amazon.eventstream');
    // Without the limit the decoder would wait for the 2 GiB until timeoutMs of silence.
    const chat = await chatFactory({
      modelName: 'm',
      baseUrl: 'http://fake.invalid',
      hostingPlatform: 'Amazon',
      env: {},
      maxRetries: 0,
      timeoutMs: 5_000,
      fetch: fetchStalling,
    });
    const err = await (async () => {
      for await (const _ of chat.stream([{ role: 'user', content: 'x' }])) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).not.toBeInstanceOf(InferenceTimeoutError);
    expect((err as Error).message).toMatch(/2147483648 bytes/);
  });

  it('an SSE event that grows past 16 MiB without ending is an InferenceError at once, not memory held until silence', async () => {
    const piece = new TextEncoder().encode('x'.repeat(1 << 20));
    const chunks = [new TextEncoder().encode('data: '), ...Array.from({ length: 20 }, () => piece)];
    const chat = await stallingChat(chunks, 'text/event-stream');
    const err = await (async () => {
      for await (const _ of chat.stream([{ role: 'user', content: 'x' }])) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).not.toBeInstanceOf(InferenceTimeoutError);
    expect((err as Error).message).toMatch(/exceeds/);
  });
});
