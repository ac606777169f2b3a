import { describe, expect, it } from 'vitest';
import { ManagementError, OptionError } from '@s2/base';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatSingleStore, createChatModel, createEmbeddings, SingleStoreEmbeddings } from '@s2/ai/langchain';
import { chatFactory, InferenceError } from '@s2/ai';
import { fakeEmbedding, fakeReply } from '@s2/fakes/ai';
import { fetchStreaming, since, sseEvents, textDelta, useFakeAi } from './support.js';

const fake = useFakeAi({ token: 'tok' });
const lookupTool = {
  type: 'function',
  function: { name: 'lookup', description: 'look up', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
};

describe.each(['Azure', 'Amazon'] as const)('LangChain chat model on the %s path', (platform) => {
  const url = () => (platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl);
  const model = (extra: Record<string, unknown> = {}) =>
    createChatModel({ modelName: 'm', baseUrl: url(), hostingPlatform: platform, apiKey: 'tok', env: {}, ...extra });

  /** The routes the requests since `from` took: `stream`/`whole` on the OpenAI-compatible path. */
  const routesSince = (from: number) => since(fake(), from).map((r) => (r.route === 'chat' ? (r.body.stream ? 'stream' : 'whole') : r.route));

  it('invoke streams underneath by default on the OpenAI-compatible path and asks Converse on Bedrock, as the reference', async () => {
    const from = fake().requests.length;
    const streamed = await (await model()).invoke([new SystemMessage('s'), new HumanMessage('hello there')]);
    const whole = await (await model({ streaming: false })).invoke('hello there');
    expect(streamed.content).toBe(fakeReply('hello there'));
    expect(whole.content).toBe(fakeReply('hello there'));
    expect(whole.usage_metadata?.output_tokens).toBe(2);
    // The reference's ChatOpenAI with a custom base URL asks for no usage in streams; streamUsage does.
    expect(streamed.usage_metadata?.output_tokens).toBe(platform === 'Amazon' ? 2 : undefined);
    const counted = await (await model({ streamUsage: true })).invoke('hello there');
    expect(counted.usage_metadata?.output_tokens).toBe(2);
    // ChatOpenAI(streaming=True) streams invoke; ChatBedrockConverse(disable_streaming=False) does not.
    expect(routesSince(from)).toEqual(platform === 'Amazon' ? ['converse', 'converse', 'converse'] : ['stream', 'whole', 'stream']);
  });

  it('streaming: false uses no streaming route, .stream() included (the whole reply as one chunk), as the reference', async () => {
    const from = fake().requests.length;
    const parts: string[] = [];
    for await (const c of await (await model({ streaming: false })).stream('abcdef')) parts.push(String(c.content));
    expect(parts).toEqual(['fedcba']);
    const streamed: string[] = [];
    for await (const c of await (await model()).stream('abcdef')) streamed.push(String(c.content));
    expect(streamed.join('')).toBe('fedcba');
    expect(routesSince(from)).toEqual(platform === 'Amazon' ? ['converse', 'converse-stream'] : ['whole', 'stream']);
  });

  it('.stream() yields the reply in chunks', async () => {
    const parts: string[] = [];
    for await (const c of await (await model()).stream('abcdefghij')) parts.push(String(c.content));
    expect(parts.filter(Boolean).length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('jihgfedcba');
  });

  it('bindTools: the model returns tool calls with parsed args; a tool round trip is sent back', async () => {
    const m = (await model()).bindTools([lookupTool]);
    const reply = await m.invoke('call the docs');
    expect(reply.tool_calls).toHaveLength(1);
    expect(reply.tool_calls![0]).toMatchObject({ name: 'lookup', args: { query: 'the docs' } });
    const from = fake().requests.length;
    await m.invoke([
      new HumanMessage('call x'),
      new AIMessage({ content: '', tool_calls: [{ id: 'c9', name: 'lookup', args: { query: 'x' } }] }),
      new ToolMessage('found it', 'c9'),
      new HumanMessage('thanks'),
    ]);
    const body = since(fake(), from)[0]!.body;
    if (platform === 'Amazon') {
      expect(body.messages.at(-1).content[0]).toEqual({ toolResult: { toolUseId: 'c9', content: [{ text: 'found it' }] } });
      expect(body.toolConfig.tools[0].toolSpec.name).toBe('lookup');
    } else {
      expect(body.messages.slice(1, 3)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'c9', type: 'function', function: { name: 'lookup', arguments: '{"query":"x"}' } }] },
        { role: 'tool', content: 'found it', tool_call_id: 'c9' },
      ]);
    }
  });

  it('tool_choice as a string or as an object names the tool, or sets the mode; an unknown shape is refused', async () => {
    const forced = platform === 'Amazon' ? { tool: { name: 'lookup' } } : { type: 'function', function: { name: 'lookup' } };
    const sentChoice = async (choice: unknown) => {
      const from = fake().requests.length;
      await (await model({ streaming: false })).bindTools([lookupTool], { tool_choice: choice as never }).invoke('call the docs');
      const body = since(fake(), from)[0]!.body;
      return platform === 'Amazon' ? body.toolConfig.toolChoice : body.tool_choice;
    };
    for (const choice of ['lookup', { type: 'function', function: { name: 'lookup' } }, { name: 'lookup' }, { type: 'tool', name: 'lookup' }]) {
      expect(await sentChoice(choice)).toEqual(forced);
    }
    expect(await sentChoice({ type: 'any' })).toEqual(platform === 'Amazon' ? { any: {} } : 'required');
    expect(await sentChoice('any')).toEqual(platform === 'Amazon' ? { any: {} } : 'required');
    const from = fake().requests.length;
    const bad = (await model()).bindTools([lookupTool], { tool_choice: { type: 'function' } as never });
    await expect(bad.invoke('x')).rejects.toThrow(OptionError);
    expect(since(fake(), from)).toHaveLength(0);
  });

  it('passes temperature and maxTokens through', async () => {
    const from = fake().requests.length;
    await (await model({ temperature: 0.3, maxTokens: 11, streaming: false })).invoke('x');
    const body = since(fake(), from)[0]!.body;
    if (platform === 'Amazon') expect(body.inferenceConfig).toEqual({ temperature: 0.3, maxTokens: 11 });
    else expect(body).toMatchObject({ temperature: 0.3, max_completion_tokens: 11 });
    expect(body).not.toHaveProperty('max_tokens');
  });
});

describe('LangChain over a stream cut off before it finished', () => {
  const cutModel = async () =>
    new ChatSingleStore({
      client: await chatFactory({
        modelName: 'm',
        baseUrl: 'http://fake.invalid/v1',
        hostingPlatform: 'Nova',
        env: {},
        maxRetries: 0,
        fetch: fetchStreaming([sseEvents(textDelta('Hel'), textDelta('lo'))]),
      }),
    });

  it('invoke (streaming underneath) rejects with the InferenceError instead of answering the truncated text', async () => {
    const err = await (await cutModel()).invoke('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).message).toMatch(/ended early/);
  });

  it('.stream() yields the text that came, then throws the InferenceError', async () => {
    const seen: string[] = [];
    const run = async () => {
      for await (const c of await (await cutModel()).stream('x')) seen.push(String(c.content));
    };
    await expect(run()).rejects.toThrow(InferenceError);
    expect(seen.join('')).toBe('Hello');
  });
});

describe('LangChain embeddings', () => {
  it('embedDocuments / embedQuery over both protocols', async () => {
    const openai = await createEmbeddings({ modelName: 'e', baseUrl: fake().openaiUrl, hostingPlatform: 'Nova', apiKey: 'tok', env: {} });
    const bedrock = await createEmbeddings({
      modelName: 'amazon.titan-embed-text-v2:0',
      baseUrl: fake().bedrockUrl,
      hostingPlatform: 'Amazon',
      apiKey: 'tok',
      env: {},
    });
    for (const e of [openai, bedrock]) {
      expect(await e.embedDocuments(['a', 'b'])).toEqual([fakeEmbedding('a'), fakeEmbedding('b')]);
      expect(await e.embedQuery('q')).toEqual(fakeEmbedding('q'));
    }
  });

  it('the constructor resolves lazily, and a failed resolution is retried on the next call', async () => {
    const env: Record<string, string> = {};
    const e = new SingleStoreEmbeddings({ modelName: 'e', env, apiKey: 'tok' });
    await expect(e.embedQuery('q')).rejects.toThrow(ManagementError);
    env.SINGLESTOREDB_INFERENCE_API_BASE_URL = fake().openaiUrl;
    env.SINGLESTOREDB_INFERENCE_API_HOSTING_PLATFORM = 'Nova';
    expect(await e.embedQuery('q')).toEqual(fakeEmbedding('q'));
    const chat = new ChatSingleStore({ modelName: 'm', env, apiKey: 'tok' });
    expect((await chat.invoke('ab')).content).toBe('ba');
  });
});

describe('LangChain structured output', () => {
  it.each(['Azure', 'Amazon'] as const)('withStructuredOutput (tool calling) on the %s path parses the tool arguments', async (platform) => {
    const model = await createChatModel({
      modelName: 'm',
      baseUrl: platform === 'Amazon' ? fake().bedrockUrl : fake().openaiUrl,
      hostingPlatform: platform,
      apiKey: 'tok',
      env: {},
    });
    const schema = { title: 'lookup', description: 'a lookup', type: 'object', properties: { query: { type: 'string' } }, required: ['query'] };
    const out = await model.withStructuredOutput(schema, { name: 'lookup' }).invoke('call structured things');
    expect(out).toEqual({ query: 'structured things' });
  });
});
