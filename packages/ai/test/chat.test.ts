import { describe, expect, it } from 'vitest';
import { NotSupportedError, OptionError } from '@s2/base';
import { assembleChat, BedrockChat, chatFactory, InferenceError, type ChatChunk, type ChatClient } from '@s2/ai';
import { bedrockEvent, fakeReply, fakeTokenCount } from '@s2/fakes/ai';
import { fetchStreaming, since, sseEvents, textDelta, useFakeAi } from './support.js';

const fake = useFakeAi({ token: 'tok' });

async function client(platform: 'Azure' | 'Amazon', extra: Record<string, unknown> = {}): Promise<ChatClient> {
  const f = fake();
  return chatFactory({
    modelName: platform === 'Amazon' ? 'anthropic.claude-fake:0' : 'gpt-fake',
    baseUrl: platform === 'Amazon' ? f.bedrockUrl : f.openaiUrl,
    hostingPlatform: platform,
    apiKey: 'tok',
    env: {},
    ...extra,
  });
}

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

const weather = {
  name: 'lookup',
  description: 'look something up',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe.each(['Azure', 'Amazon'] as const)('chat on the %s path', (platform) => {
  const route = platform === 'Amazon' ? 'converse' : 'chat';

  it('answers, with usage and a finish reason', async () => {
    const chat = await client(platform);
    const r = await chat.chat([
      { role: 'system', content: 'be terse' },
      { role: 'user', content: 'Hello, world' },
    ]);
    expect(r.text).toBe(fakeReply('Hello, world'));
    expect(r.finishReason).toBe('stop');
    expect(r.usage.outputTokens).toBe(2);
    expect(r.usage.totalTokens).toBe((r.usage.inputTokens ?? NaN) + 2);
    expect(fake().requests.at(-1)!.route).toBe(route);
  });

  it('streams the same reply in pieces, reassembled across split frames', async () => {
    const chat = await client(platform, { streamUsage: true });
    const chunks = await collect(chat.stream([{ role: 'user', content: 'a longer message, with ünïcödé ✓' }]));
    const texts = chunks.filter((c) => c.type === 'text');
    expect(texts.length).toBeGreaterThan(3);
    expect(texts.map((c) => (c as { text: string }).text).join('')).toBe(fakeReply('a longer message, with ünïcödé ✓'));
    const finish = chunks.at(-1)!;
    expect(finish.type === 'finish' && finish.finishReason).toBe('stop');
    expect(finish.type === 'finish' && finish.usage.outputTokens).toBe(fakeTokenCount(fakeReply('a longer message, with ünïcödé ✓')));
    expect(fake().requests.at(-1)!.route).toBe(platform === 'Amazon' ? 'converse-stream' : 'chat');
  });

  it('returns tool calls, whole and streamed', async () => {
    const chat = await client(platform);
    const whole = await chat.chat([{ role: 'user', content: 'call the weather' }], { tools: [weather] });
    expect(whole.finishReason).toBe('tool-calls');
    expect(whole.toolCalls).toHaveLength(1);
    expect(whole.toolCalls[0]!.name).toBe('lookup');
    expect(JSON.parse(whole.toolCalls[0]!.arguments)).toEqual({ query: 'the weather' });
    const streamed = await assembleChat(chat.stream([{ role: 'user', content: 'call the weather' }], { tools: [weather] }));
    expect(streamed.finishReason).toBe('tool-calls');
    expect(streamed.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.arguments)])).toEqual([[whole.toolCalls[0]!.id, 'lookup', { query: 'the weather' }]]);
  });

  it('reports an error event inside the stream as an InferenceError after the text before it', async () => {
    const chat = await client(platform);
    const seen: string[] = [];
    const run = async () => {
      for await (const c of chat.stream([{ role: 'user', content: 'fail mid-stream' }])) if (c.type === 'text') seen.push(c.text);
    };
    await expect(run()).rejects.toThrow(/crashed mid-stream/);
    await expect(run()).rejects.toBeInstanceOf(InferenceError);
    expect(seen.join('')).toContain('partial');
  });

  it('rejects a wrong token with a typed error carrying the status, without retrying', async () => {
    const f = fake();
    const from = f.requests.length;
    const chat = await client(platform, { apiKey: 'wrong' });
    const err = await chat.chat([{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).status).toBe(platform === 'Amazon' ? 403 : 401);
    expect(since(f, from)).toHaveLength(1);
  });
});

describe('request bodies', () => {
  it('OpenAI-compatible: model, messages, sampling options, tools, extraBody', async () => {
    const chat = await client('Azure');
    await chat.chat(
      [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"query":"q"}' }] },
        { role: 'tool', content: 'result', toolCallId: 'c1' },
        { role: 'user', content: 'again' },
      ],
      { temperature: 0.5, maxTokens: 7, topP: 0.9, stop: ['END'], tools: [weather], toolChoice: { name: 'lookup' }, extraBody: { seed: 3 } },
    );
    const body = fake().requests.at(-1)!.body;
    expect(body).toMatchObject({
      model: 'gpt-fake',
      stream: false,
      temperature: 0.5,
      max_completion_tokens: 7,
      top_p: 0.9,
      stop: ['END'],
      seed: 3,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    expect(body).not.toHaveProperty('max_tokens');
    expect(body.tools[0]).toEqual({ type: 'function', function: weather });
    expect(body.messages[2]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"query":"q"}' } }],
    });
    expect(body.messages[3]).toEqual({ role: 'tool', content: 'result', tool_call_id: 'c1' });
    await collect(chat.stream([{ role: 'user', content: 'u' }]));
    expect(fake().requests.at(-1)!.body).toMatchObject({ stream: true });
    expect(fake().requests.at(-1)!.headers.accept).toBe('text/event-stream');
  });

  it('OpenAI-compatible: stream_options only with streamUsage (off by default, as the reference), and extraBody replaces or removes it', async () => {
    const u = [{ role: 'user' as const, content: 'u' }];
    const last = () => fake().requests.at(-1)!.body;
    const plain = await client('Azure');
    const finish = (await collect(plain.stream(u))).at(-1)!;
    expect(last()).not.toHaveProperty('stream_options');
    expect(finish.type === 'finish' && finish.usage.outputTokens).toBeUndefined();

    const counting = await client('Azure', { streamUsage: true });
    const counted = (await collect(counting.stream(u))).at(-1)!;
    expect(last().stream_options).toEqual({ include_usage: true });
    expect(counted.type === 'finish' && counted.usage.outputTokens).toBe(1);
    await counting.chat(u);
    expect(last()).not.toHaveProperty('stream_options');
    await collect(counting.stream(u, { extraBody: { stream_options: undefined } }));
    expect(last()).not.toHaveProperty('stream_options');
    await collect(counting.stream(u, { extraBody: { stream_options: { include_usage: false } } }));
    expect(last().stream_options).toEqual({ include_usage: false });
    await collect(plain.stream(u, { extraBody: { stream_options: { include_usage: true } } }));
    expect(last().stream_options).toEqual({ include_usage: true });

    await expect(client('Azure', { streamUsage: 'yes' })).rejects.toThrow(OptionError);
  });

  it('Bedrock: system apart, consecutive turns merged, inferenceConfig, toolConfig, tool results as user content', async () => {
    const chat = await client('Amazon');
    await chat.chat(
      [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u1' },
        { role: 'user', content: 'u2' },
        { role: 'assistant', content: 'a', toolCalls: [{ id: 't1', name: 'lookup', arguments: '{"query":"q"}' }] },
        { role: 'tool', content: 'r', toolCallId: 't1' },
      ],
      { temperature: 0.2, maxTokens: 9, topP: 0.5, stop: ['X'], tools: [weather], toolChoice: 'required' },
    );
    const req = fake().requests.at(-1)!;
    expect(req.path).toBe('/bedrock/model/anthropic.claude-fake%3A0/converse');
    expect(req.body.system).toEqual([{ text: 's' }]);
    expect(req.body.messages).toEqual([
      { role: 'user', content: [{ text: 'u1' }, { text: 'u2' }] },
      { role: 'assistant', content: [{ text: 'a' }, { toolUse: { toolUseId: 't1', name: 'lookup', input: { query: 'q' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r' }] } }] },
    ]);
    expect(req.body.inferenceConfig).toEqual({ maxTokens: 9, temperature: 0.2, topP: 0.5, stopSequences: ['X'] });
    expect(req.body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'lookup', description: 'look something up', inputSchema: { json: weather.parameters } } }],
      toolChoice: { any: {} },
    });
  });
});

describe('JSON response format', () => {
  it('OpenAI-compatible: json_object without a schema, json_schema with one', async () => {
    const chat = await client('Azure');
    const r = await chat.chat([{ role: 'user', content: 'abc' }], { responseFormat: { type: 'json' } });
    expect(JSON.parse(r.text)).toEqual({ reply: 'cba' });
    expect(fake().requests.at(-1)!.body.response_format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { reply: { type: 'string' } } };
    await chat.chat([{ role: 'user', content: 'abc' }], { responseFormat: { type: 'json', schema, name: 'answer' } });
    expect(fake().requests.at(-1)!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema } });
  });

  it('Bedrock: refused before anything is sent', async () => {
    const chat = await client('Amazon');
    const from = fake().requests.length;
    await expect(chat.chat([{ role: 'user', content: 'abc' }], { responseFormat: { type: 'json' } })).rejects.toThrow(NotSupportedError);
    expect(fake().requests.length).toBe(from);
  });
});

describe('Bedrock invoke', () => {
  it('invoke and invoke-with-response-stream return the model JSON', async () => {
    const f = fake();
    const chat = await chatFactory({ modelName: 'amazon.titan-embed-text-v2:0', baseUrl: f.bedrockUrl, hostingPlatform: 'Amazon', apiKey: 'tok', env: {} });
    expect(chat).toBeInstanceOf(BedrockChat);
    const direct = await (chat as BedrockChat).invoke<{ embedding: number[] }>({ inputText: 'hi there' });
    expect(direct.embedding).toHaveLength(16);
    const streamed: unknown[] = [];
    for await (const c of (chat as BedrockChat).invokeStream({ inputText: 'hi there' })) streamed.push(c);
    expect(streamed).toEqual([direct]);
    expect(f.requests.at(-1)!.route).toBe('invoke-with-response-stream');
  });
});

/** A chat client whose stream replies are exactly these pieces, after which the body ends. */
const piecewise = (pieces: Array<string | Uint8Array>, hostingPlatform = 'Nova') =>
  chatFactory({
    modelName: 'm',
    baseUrl: 'http://fake.invalid/v1',
    hostingPlatform,
    env: {},
    maxRetries: 0,
    fetch: fetchStreaming(pieces, hostingPlatform === 'Amazon' ? 'application/vnd.amazon.eventstream' : 'text/event-stream'),
  });

/** Runs a stream to its end, keeping the text that came before any failure. */
async function drain(chat: ChatClient): Promise<{ text: string; chunks: ChatChunk[]; error: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of chat.stream([{ role: 'user', content: 'x' }])) chunks.push(c);
  } catch (error) {
    return { text: textOf(chunks), chunks, error };
  }
  return { text: textOf(chunks), chunks, error: undefined };
}

function textOf(chunks: ChatChunk[]): string {
  return chunks.map((c) => (c.type === 'text' ? c.text : '')).join('');
}

describe('how a stream ends', () => {
  it('a body that closes before any finish_reason and before [DONE] is an InferenceError naming the URL, after the text that came', async () => {
    const r = await drain(await piecewise([sseEvents(textDelta('Hel'), textDelta('lo, wor'))]));
    expect(r.text).toBe('Hello, wor');
    expect(r.error).toBeInstanceOf(InferenceError);
    expect((r.error as InferenceError).message).toMatch(/ended early/);
    expect((r.error as InferenceError).message).toContain('http://fake.invalid/v1/chat/completions');
    expect((r.error as InferenceError).url).toBe('http://fake.invalid/v1/chat/completions');
    expect(r.chunks.some((c) => c.type === 'finish')).toBe(false);
  });

  it('an empty body, or one with only the role chunk, is cut off too', async () => {
    for (const body of ['', sseEvents({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })]) {
      expect((await drain(await piecewise([body]))).error, JSON.stringify(body)).toBeInstanceOf(InferenceError);
    }
  });

  it('a finish_reason without [DONE] is a whole reply (some OpenAI-compatible servers omit [DONE]), usage after it included', async () => {
    const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };
    const r = await drain(await piecewise([sseEvents(textDelta('Hi'), textDelta(' there', 'stop'), usage)]));
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('Hi there');
    expect(r.chunks.at(-1)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
    });
  });

  it('[DONE] without a finish_reason is a whole reply, and nothing after [DONE] is read', async () => {
    const r = await drain(await piecewise([sseEvents(textDelta('ok'), '[DONE]', textDelta(' and more'))]));
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('ok');
    expect(r.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'other' });
    // without the line end after it, as a server that closes straight after writing it sends
    expect((await drain(await piecewise([sseEvents(textDelta('ok')), 'data: [DONE]']))).error).toBeUndefined();
  });

  it('a body cut inside a line: after a finish_reason the reply stands, before it the stream ended early (not "not JSON")', async () => {
    const usage = sseEvents({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    const finished = sseEvents(textDelta('Hello', 'stop'));
    for (const cut of [usage.slice(0, 30), 'data: [DO']) {
      const r = await drain(await piecewise([finished, cut]));
      expect(r.error, cut).toBeUndefined();
      expect(r.chunks.at(-1), cut).toMatchObject({ type: 'finish', finishReason: 'stop' });
    }
    const next = sseEvents(textDelta('lo world'));
    const early = await drain(await piecewise([sseEvents(textDelta('Hel')), next.slice(0, 40)]));
    expect(early.text).toBe('Hel');
    expect((early.error as Error).message).toMatch(/ended early/);
  });

  it('an error object nested past any sensible depth is still an InferenceError', async () => {
    // Built as text: JSON.stringify of it would itself run out of stack.
    const deep = `${'{"error":'.repeat(20_000)}{"message":"innermost"}${'}'.repeat(20_000)}`;
    for (const body of [`data: ${deep}\n\n`, `event: error\ndata: ${deep}\n\n`]) {
      const r = await drain(await piecewise([sseEvents(textDelta('x')), body]));
      expect(r.error).toBeInstanceOf(InferenceError);
    }
  });

  it('assembleChat and the non-streaming chat() over the same endpoint: the cut stream rejects, chat() is unaffected', async () => {
    const cut = await piecewise([sseEvents(textDelta('part'))]);
    await expect(assembleChat(cut.stream([{ role: 'user', content: 'x' }]))).rejects.toThrow(/ended early/);
    const whole = await chatFactory({
      modelName: 'm',
      baseUrl: 'http://fake.invalid/v1',
      hostingPlatform: 'Nova',
      env: {},
      maxRetries: 0,
      fetch: (async () => Response.json({ choices: [{ index: 0, message: { role: 'assistant', content: 'part' }, finish_reason: null }] })) as typeof fetch,
    });
    expect((await whole.chat([{ role: 'user', content: 'x' }])).text).toBe('part');
  });

  it('Bedrock: a converse-stream that closes before messageStop is an InferenceError, after the text that came', async () => {
    const frames = [bedrockEvent('messageStart', { role: 'assistant' }), bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'par' } })];
    const r = await drain(await piecewise(frames, 'Amazon'));
    expect(r.text).toBe('par');
    expect(r.error).toBeInstanceOf(InferenceError);
    expect((r.error as InferenceError).message).toMatch(/ended early.*messageStop/);
    const whole = await drain(
      await piecewise(
        [...frames, bedrockEvent('contentBlockStop', { contentBlockIndex: 0 }), bedrockEvent('messageStop', { stopReason: 'end_turn' })],
        'Amazon',
      ),
    );
    expect(whole.error).toBeUndefined();
    expect(whole.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });
});

describe('error events in an SSE stream', () => {
  it('event: error with a payload that is not an {error} object is an InferenceError carrying it, after the text before it', async () => {
    const r = await drain(
      await piecewise([sseEvents(textDelta('par')), 'event: error\ndata: {"message":"overloaded"}\n\n', sseEvents(textDelta('more', 'stop'), '[DONE]')]),
    );
    expect(r.text).toBe('par');
    expect(r.error).toBeInstanceOf(InferenceError);
    expect((r.error as InferenceError).message).toMatch(/reported an error: overloaded/);
    expect((r.error as InferenceError).body).toEqual({ message: 'overloaded' });
    expect((r.error as InferenceError).url).toBe('http://fake.invalid/v1/chat/completions');
  });

  it('event: error with plain text, with an {error} object, or with no data at all', async () => {
    const cases: Array<[string, RegExp, unknown]> = [
      ['event: error\ndata: upstream model is overloaded\n\n', /reported an error: upstream model is overloaded/, 'upstream model is overloaded'],
      [
        'event:error\r\ndata: {"error":{"message":"quota","type":"rate_limit"}}\r\n\r\n',
        /reported an error: quota/,
        { error: { message: 'quota', type: 'rate_limit' } },
      ],
      ['event: error\n\n', /reported an error: no details/, ''],
      // the body ends without the blank line: the event still counts
      ['event: error\ndata: {"code":503}\n', /reported an error: \{"code":503\}/, { code: 503 }],
      // and if it ends inside the data line, that line is a cut (dropped), the error stays one
      ['event: error\ndata: {"code":5', /reported an error: no details/, ''],
    ];
    for (const [event, message, body] of cases) {
      const r = await drain(await piecewise([sseEvents(textDelta('a')), event]));
      expect(r.error, event).toBeInstanceOf(InferenceError);
      expect((r.error as InferenceError).message, event).toMatch(message);
      expect((r.error as InferenceError).body, event).toEqual(body);
    }
  });

  it('an {error} object in an ordinary data event is still an InferenceError; other named events and comments are read as before', async () => {
    const failed = await drain(await piecewise([sseEvents(textDelta('a'), { error: { message: 'model crashed' } })]));
    expect((failed.error as InferenceError).message).toMatch(/reported an error: model crashed/);
    const fine = await drain(await piecewise([': keep-alive\n\nevent: ping\n\n', 'event: message\n', sseEvents(textDelta('b', 'stop'), '[DONE]')]));
    expect(fine.error).toBeUndefined();
    expect(fine.text).toBe('b');
  });
});

describe('SSE framing', () => {
  it('a CRLF split between its CR and LF across reads is one line end, not an empty line ending the event', async () => {
    // One event over two data lines; cut after the first line's CR.
    const event = 'data: {"choices":[{"delta":{"content":"a"}}\r\ndata: ]}\r\n\r\n';
    const cut = event.indexOf('\r') + 1;
    for (const pieces of [[event], [event.slice(0, cut), event.slice(cut)]]) {
      const chunks = await collect((await piecewise([...pieces, 'data: [DONE]\r\n\r\n'])).stream([{ role: 'user', content: 'x' }]));
      expect(chunks[0], JSON.stringify(pieces)).toEqual({ type: 'text', text: 'a' });
    }
  });

  it('a lone CR still ends a line when the next read starts with something else', async () => {
    const chunks = await collect(
      (await piecewise(['data: {"choices":[{"delta":{"content":"b"}}]}\r', '\rdata: [DONE]\r\r'])).stream([{ role: 'user', content: 'x' }]),
    );
    expect(chunks.map((c) => c.type)).toEqual(['text', 'finish']);
  });
});
