import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { embed, embedMany, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { InferenceError } from '@s2/ai';
import { createSingleStore, type SingleStoreProviderSettings } from '@s2/ai/vercel';
import { fakeEmbedding, fakeReply } from '@s2/fakes/ai';
import { fetchStreaming, since, sseEvents, textDelta, useFakeAi } from './support.js';

const fake = useFakeAi({ token: 'tok' });

describe.each(['Azure', 'Amazon'] as const)('Vercel AI SDK provider on the %s path', (platform) => {
  const provider = (extra: Partial<SingleStoreProviderSettings> = {}) =>
    createSingleStore({ baseUrl: platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl, hostingPlatform: platform, apiKey: 'tok', env: {}, ...extra });

  it('generateText: text, usage, finish reason, and the settings in the request', async () => {
    const from = fake().requests.length;
    const r = await generateText({ model: provider()('m'), system: 'be nice', prompt: 'hello world', temperature: 0.1, maxOutputTokens: 20 });
    expect(r.text).toBe(fakeReply('hello world'));
    expect(r.finishReason).toBe('stop');
    expect(r.usage.outputTokens).toBe(2);
    const body = since(fake(), from)[0]!.body;
    if (platform === 'Amazon') expect([body.system, body.inferenceConfig]).toEqual([[{ text: 'be nice' }], { temperature: 0.1, maxTokens: 20 }]);
    else expect([body.messages[0], body.temperature, body.max_completion_tokens]).toEqual([{ role: 'system', content: 'be nice' }, 0.1, 20]);
  });

  it('streamText: deltas add up to the reply; usage arrives at the end (asked for with streamUsage on the OpenAI-compatible path)', async () => {
    const result = streamText({ model: provider({ streamUsage: true })('m'), prompt: 'stream me please' });
    const deltas: string[] = [];
    for await (const d of result.textStream) deltas.push(d);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(fakeReply('stream me please'));
    expect((await result.usage).outputTokens).toBe(3);
    expect(await result.finishReason).toBe('stop');
  });

  it('tools: the model calls the tool, the SDK runs it and sends the result back', async () => {
    const calls: unknown[] = [];
    const lookup = tool({
      description: 'look up',
      inputSchema: jsonSchema<{ query: string }>({ type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }),
      execute: async (input) => {
        calls.push(input);
        return `result for ${input.query}`;
      },
    });
    for (const run of ['generate', 'stream'] as const) {
      const opts = { model: provider()('m'), prompt: 'call the docs', tools: { lookup }, stopWhen: stepCountIs(3) };
      const text = run === 'generate' ? (await generateText(opts)).text : await streamText(opts).text;
      expect(text).toBe('tool said: result for the docs');
    }
    expect(calls).toEqual([{ query: 'the docs' }, { query: 'the docs' }]);
  });

  it('embed and embedMany', async () => {
    const p = provider();
    const modelId = platform === 'Amazon' ? 'cohere.embed-v3' : 'e5';
    // On Azure (OpenAI models) texts go as tiktoken ids (js-tiktoken is installed here; an unknown model name gets cl100k_base).
    const vector = (t: string) => fakeEmbedding(platform === 'Azure' ? getEncoding('cl100k_base').encode(t) : t);
    expect((await embed({ model: p.embeddingModel(modelId), value: 'one' })).embedding).toEqual(vector('one'));
    expect((await embedMany({ model: p.textEmbeddingModel(modelId), values: ['a', 'b', 'c'] })).embeddings).toEqual(['a', 'b', 'c'].map(vector));
  });

  it('an HTTP error surfaces as the InferenceError', async () => {
    const p = createSingleStore({
      baseUrl: platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl,
      hostingPlatform: platform,
      apiKey: 'wrong',
      env: {},
      maxRetries: 0,
    });
    await expect(generateText({ model: p('m'), prompt: 'x', maxRetries: 0 })).rejects.toBeInstanceOf(InferenceError);
    const errors: unknown[] = [];
    const s = streamText({ model: p('m'), prompt: 'x', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    await expect(s.text).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InferenceError);
    expect((errors[0] as InferenceError).status).toBe(platform === 'Amazon' ? 403 : 401);
  });
});

describe('Vercel AI SDK provider over a stream cut off before it finished', () => {
  it('streamText ends with the InferenceError, not a finish that passes the truncated text as whole', async () => {
    const p = createSingleStore({
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Nova',
      env: {},
      maxRetries: 0,
      fetch: fetchStreaming([sseEvents(textDelta('Hel'), textDelta('lo'))]),
    });
    const errors: unknown[] = [];
    const deltas: string[] = [];
    const s = streamText({ model: p('m'), prompt: 'x', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    for await (const d of s.textStream) deltas.push(d);
    expect(deltas.join('')).toBe('Hello');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InferenceError);
    expect((errors[0] as InferenceError).message).toMatch(/ended early/);
    expect(await s.finishReason).not.toBe('stop');
  });
});

describe('Vercel JSON output', () => {
  it('generateObject-style JSON mode goes out as response_format on the OpenAI path; Bedrock warns instead', async () => {
    const { generateText: gen, Output } = await import('ai');
    const schema = jsonSchema<{ reply: string }>({ type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'] });
    const openai = createSingleStore({ baseUrl: fake().openaiUrl, hostingPlatform: 'Azure', apiKey: 'tok', env: {} });
    const r = await gen({ model: openai('m'), prompt: 'abc', output: Output.object({ schema }) });
    expect(r.output).toEqual({ reply: 'cba' });
    expect(fake().requests.at(-1)!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { type: 'object' } } });
    const bedrock = createSingleStore({ baseUrl: fake().bedrockUrl, hostingPlatform: 'Amazon', apiKey: 'tok', env: {} });
    const b = await bedrock('m').doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'abc' }] }], responseFormat: { type: 'json' } });
    expect(b.content).toEqual([{ type: 'text', text: 'cba' }]);
    expect(b.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'responseFormat' })]);
    expect(fake().requests.at(-1)!.body).not.toHaveProperty('response_format');
  });
});

it('the provider refuses image models with NoSuchModelError', () => {
  expect(() => createSingleStore({ env: {} }).imageModel('x')).toThrow(/imageModel|No such/);
});

describe('cancelling a Vercel stream', () => {
  /** A model that sends one delta, then holds the stream open for `holdMs`. */
  async function slowModel(holdMs: number) {
    const { createServer } = await import('node:http');
    let closed = false;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: 'first ' } }] })}\n\n`);
      const timer = setTimeout(() => res.end('data: [DONE]\n\n'), holdMs);
      res.on('close', () => {
        clearTimeout(timer);
        closed = true;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}/v1`,
      closed: () => closed,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it.each([false, true])('cancel() stops the request at once, not after the next chunk (caller signal: %s)', async (withSignal) => {
    const model = await slowModel(5000);
    try {
      const provider = createSingleStore({ baseUrl: model.url, hostingPlatform: 'Azure', apiKey: 'tok', env: {} });
      const caller = new AbortController();
      const { stream } = await provider('m').doStream({
        prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        ...(withSignal ? { abortSignal: caller.signal } : {}),
      });
      const reader = stream.getReader();
      const parts: string[] = [];
      for (let i = 0; i < 3; i++) parts.push((await reader.read()).value!.type);
      expect(parts).toEqual(['stream-start', 'text-start', 'text-delta']);
      const started = Date.now();
      const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1000));
      expect(await Promise.race([reader.cancel('gone'), late])).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1000);
      await expect.poll(model.closed, { timeout: 1000 }).toBe(true);
      expect(caller.signal.aborted).toBe(false);
    } finally {
      await model.close();
    }
  });
});
