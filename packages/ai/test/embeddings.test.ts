import { describe, expect, it } from 'vitest';
import { OptionError } from '@s2/base';
import { embeddingsFactory, InferenceError, type EmbeddingTokenizer } from '@s2/ai';
import { fakeEmbedding, startFakeAi, type FakeAi } from '@s2/fakes/ai';
import { since, useFakeAi } from './support.js';

const fake = useFakeAi({ maxInputLength: 40 });

const openai = (extra: Record<string, unknown> = {}) =>
  embeddingsFactory({ modelName: 'qwen-fake', baseUrl: fake().openaiUrl, hostingPlatform: 'Nova', env: {}, ...extra });

function weightedAverage(pieces: string[] | number[][], weights: number[]): number[] {
  const vs = (pieces as Array<string | number[]>).map((p) => fakeEmbedding(p));
  const total = weights.reduce((a, b) => a + b, 0);
  const avg = vs[0]!.map((_, k) => vs.reduce((s, v, j) => s + v[k]! * weights[j]!, 0) / total);
  const norm = Math.hypot(...avg);
  return avg.map((x) => x / norm);
}

describe('OpenAI-compatible embeddings', () => {
  it('base64 (default) and float give the same vectors, in input order', async () => {
    const texts = ['alpha', 'beta', 'gamma'];
    const from = fake().requests.length;
    const b64 = await (await openai()).embedDocuments(texts);
    const flt = await (await openai({ encodingFormat: 'float' })).embedDocuments(texts);
    expect(b64).toEqual(texts.map((t) => fakeEmbedding(t)));
    expect(flt).toEqual(b64);
    expect(since(fake(), from).map((r) => r.body.encoding_format)).toEqual(['base64', 'float']);
    expect(since(fake(), from)[0]!.body).toMatchObject({ model: 'qwen-fake', input: texts });
  });

  it('embedQuery gives one vector; an empty list sends nothing', async () => {
    const e = await openai();
    expect(await e.embedQuery('alpha')).toEqual(fakeEmbedding('alpha'));
    const from = fake().requests.length;
    expect(await e.embedDocuments([])).toEqual([]);
    expect(fake().requests.length).toBe(from);
  });

  it('a text over the window is a 400 from the server when not chunked', async () => {
    const e = await openai({ maxChunkChars: 1000 });
    const err = await e.embedQuery('x'.repeat(100)).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).status).toBe(400);
  });

  it('chunks long inputs by characters and averages the chunk vectors by length, back to unit length', async () => {
    const long = 'abcdefghij'.repeat(9); // 90 characters
    const e = await openai({ maxChunkChars: 40 });
    const from = fake().requests.length;
    const [short, chunked] = await e.embedDocuments(['short one', long]);
    expect(since(fake(), from).map((r) => r.body.input)).toEqual([['short one', long.slice(0, 40), long.slice(40, 80), long.slice(80)]]);
    expect(short).toEqual(fakeEmbedding('short one'));
    const expected = weightedAverage([long.slice(0, 40), long.slice(40, 80), long.slice(80)], [40, 40, 10]);
    expect(chunked).toHaveLength(expected.length);
    chunked!.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 6));
    expect(Math.hypot(...chunked!)).toBeCloseTo(1, 9);
  });

  it('counts characters as code points, as the reference does: no chunk ends inside a surrogate pair', async () => {
    const text = 'abcd😀efgh😀😀ij'; // 13 code points, 16 UTF-16 units
    const e = await openai({ maxChunkChars: 5 });
    const from = fake().requests.length;
    const [v] = await e.embedDocuments([text]);
    const sent = since(fake(), from)[0]!.body.input as string[];
    expect(sent).toEqual(['abcd😀', 'efgh😀', '😀ij']);
    const expected = weightedAverage(sent, [5, 5, 3]);
    expect(v).toHaveLength(expected.length);
    v!.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 6));
    expect(Math.hypot(...v!)).toBeCloseTo(1, 9);
  });

  it('maxInputTokens without a tokenizer caps characters per chunk (one character per token at most)', async () => {
    const e = await openai({ maxInputTokens: 30 });
    const from = fake().requests.length;
    await e.embedQuery('y'.repeat(70));
    expect(since(fake(), from)[0]!.body.input.map((s: string) => s.length)).toEqual([30, 30, 10]);
  });

  it('chunks by tokens with a tokenizer: special tokens on every chunk, one token of margin, ids on the wire', async () => {
    const tokenizer: EmbeddingTokenizer = { encode: (t) => Array.from(t, (c) => c.charCodeAt(0)), prefix: [1], suffix: [2] };
    const e = await openai({ tokenizer, maxInputTokens: 12 });
    const from = fake().requests.length;
    const text = 'abcdefghijklmnopqrstu'; // 21 tokens, budget 12 - 2 - 1 = 9
    const [v] = await e.embedDocuments([text]);
    const sent = since(fake(), from)[0]!.body.input as number[][];
    const ids = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
    expect(sent).toEqual([
      [1, ...ids('abcdefghi'), 2],
      [1, ...ids('jklmnopqr'), 2],
      [1, ...ids('stu'), 2],
    ]);
    const expected = weightedAverage(sent, [9, 9, 3]);
    expect(v).toHaveLength(expected.length);
    v!.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 6));
  });

  it('refuses a token window with no room for content, and a tokenizer without a window', async () => {
    const tokenizer: EmbeddingTokenizer = { encode: () => [5], prefix: [1], suffix: [2] };
    await expect(openai({ tokenizer, maxInputTokens: 3 })).rejects.toThrow(OptionError);
    await expect(openai({ tokenizer })).rejects.toThrow(/maxInputTokens/);
  });

  it('sends at most batchSize chunks per request', async () => {
    const e = await openai({ batchSize: 2 });
    const from = fake().requests.length;
    const texts = ['a', 'b', 'c', 'd', 'e'];
    expect(await e.embedDocuments(texts)).toEqual(texts.map((t) => fakeEmbedding(t)));
    expect(since(fake(), from).map((r) => r.body.input)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('Bedrock embeddings (InvokeModel)', () => {
  it('Titan-style: one inputText per request', async () => {
    const e = await embeddingsFactory({ modelName: 'amazon.titan-embed-text-v2:0', baseUrl: fake().bedrockUrl, hostingPlatform: 'Amazon', env: {} });
    const from = fake().requests.length;
    expect(await e.embedDocuments(['one', 'two'])).toEqual([fakeEmbedding('one'), fakeEmbedding('two')]);
    expect(since(fake(), from).map((r) => [r.route, r.body])).toEqual([
      ['invoke', { inputText: 'one' }],
      ['invoke', { inputText: 'two' }],
    ]);
  });

  it('Cohere-style: texts in one request, search_document for documents and search_query for queries', async () => {
    const e = await embeddingsFactory({ modelName: 'cohere.embed-english-v3', baseUrl: fake().bedrockUrl, hostingPlatform: 'Amazon', env: {} });
    const from = fake().requests.length;
    expect(await e.embedDocuments(['one', 'two'])).toEqual([fakeEmbedding('one'), fakeEmbedding('two')]);
    expect(await e.embedQuery('q')).toEqual(fakeEmbedding('q'));
    expect(since(fake(), from).map((r) => r.body)).toEqual([
      { texts: ['one', 'two'], input_type: 'search_document' },
      { texts: ['q'], input_type: 'search_query' },
    ]);
  });
});

describe('Bedrock embeddings as LangChain BedrockEmbeddings shapes them', () => {
  const bedrock = (modelName: string, extra: Record<string, unknown> = {}) =>
    embeddingsFactory({ modelName, baseUrl: fake().bedrockUrl, hostingPlatform: 'Amazon', env: {}, ...extra });

  it.each(['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3', 'amazon.nova-2-multimodal-embeddings-v1:0'])(
    '%s: newlines become spaces before sending, so a text gets the vector the reference gets',
    async (modelName) => {
      const e = await bedrock(modelName);
      const from = fake().requests.length;
      expect(await e.embedDocuments(['line one\nline two'])).toEqual([fakeEmbedding('line one line two')]);
      expect(await e.embedQuery('q1\nq2')).toEqual(fakeEmbedding('q1 q2'));
      expect(JSON.stringify(since(fake(), from).map((r) => r.body))).not.toContain('\\n');
    },
  );

  it('Cohere Embed v4: vectors come as embeddings.float', async () => {
    const e = await bedrock('cohere.embed-v4:0');
    const from = fake().requests.length;
    expect(await e.embedDocuments(['one', 'two'])).toEqual([fakeEmbedding('one'), fakeEmbedding('two')]);
    expect(since(fake(), from).map((r) => r.body)).toEqual([{ input_type: 'search_document', texts: ['one', 'two'] }]);
  });

  it('Amazon Nova embeddings: one SINGLE_EMBEDDING task per text, the vector from embeddings[0]', async () => {
    const e = await bedrock('us.amazon.nova-2-multimodal-embeddings-v1:0');
    const from = fake().requests.length;
    expect(await e.embedDocuments(['one', 'two'])).toEqual([fakeEmbedding('one'), fakeEmbedding('two')]);
    expect(since(fake(), from).map((r) => r.body)).toEqual(
      ['one', 'two'].map((value) => ({
        taskType: 'SINGLE_EMBEDDING',
        singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', text: { truncationMode: 'END', value } },
      })),
    );
  });
});

describe('dimensions and extraBody', () => {
  it('OpenAI-compatible: dimensions and the extra fields go in every request; the vectors come back that long', async () => {
    const e = await openai({ dimensions: 8, extraBody: { user: 'u1' }, batchSize: 1 });
    const from = fake().requests.length;
    expect(await e.embedDocuments(['a', 'b'])).toEqual([fakeEmbedding('a', 8), fakeEmbedding('b', 8)]);
    expect(since(fake(), from).map((r) => r.body)).toEqual(
      ['a', 'b'].map((t) => ({ model: 'qwen-fake', input: [t], encoding_format: 'base64', dimensions: 8, user: 'u1' })),
    );
  });

  it.each([
    ['amazon.titan-embed-text-v2:0', { inputText: 'a', dimensions: 4, normalize: true }, 4],
    ['cohere.embed-english-v3', { input_type: 'search_document', texts: ['a'], normalize: true }, 16],
    ['cohere.embed-v4:0', { input_type: 'search_document', texts: ['a'], output_dimension: 4, normalize: true }, 4],
    [
      'amazon.nova-2-multimodal-embeddings-v1:0',
      {
        taskType: 'SINGLE_EMBEDDING',
        singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', text: { truncationMode: 'END', value: 'a' }, embeddingDimension: 4 },
        normalize: true,
      },
      4,
    ],
  ] as const)("Bedrock %s: the family's own dimension field (none before Cohere v4), extra fields merged", async (modelName, body, length) => {
    const e = await embeddingsFactory({
      modelName,
      baseUrl: fake().bedrockUrl,
      hostingPlatform: 'Amazon',
      env: {},
      dimensions: 4,
      extraBody: { normalize: true },
    });
    const from = fake().requests.length;
    expect(await e.embedDocuments(['a'])).toEqual([fakeEmbedding('a', length)]);
    expect(since(fake(), from).map((r) => r.body)).toEqual([body]);
  });

  it('a dimensions that is not a positive integer, or an extraBody that is not an object, is an OptionError', async () => {
    for (const bad of [{ dimensions: 0 }, { dimensions: 1.5 }, { extraBody: [] }, { extraBody: 'x' }, { extraBody: null }]) {
      await expect(openai(bad), JSON.stringify(bad)).rejects.toThrow(OptionError);
    }
  });
});

describe('concurrency of multi-request embedding calls', () => {
  /** A fresh slow fake per test, so its peak concurrency is this test's alone. */
  async function withSlowFake(fn: (f: FakeAi) => Promise<void>): Promise<void> {
    const f = await startFakeAi({ latencyMs: 30 });
    try {
      await fn(f);
    } finally {
      await f.close();
    }
  }

  it.each([
    ['OpenAI-compatible batches', 'Nova', 'e', { batchSize: 1 }],
    ['Titan one-per-text', 'Amazon', 'amazon.titan-embed-text-v2:0', {}],
    ['Cohere batches', 'Amazon', 'cohere.embed-v3', {}],
  ] as const)('%s: at most `concurrency` requests at once, results in input order', (_, platform, modelName, extra) =>
    withSlowFake(async (f) => {
      // Cohere takes 96 texts a request, so it needs more texts to make several requests
      const texts = Array.from({ length: modelName.startsWith('cohere') ? 96 * 4 : 9 }, (_, i) => `text ${i}`);
      const e = await embeddingsFactory({
        modelName,
        baseUrl: platform === 'Amazon' ? f.bedrockUrl : f.openaiUrl,
        hostingPlatform: platform,
        env: {},
        concurrency: 3,
        ...extra,
      });
      expect(await e.embedDocuments(texts)).toEqual(texts.map((t) => fakeEmbedding(t)));
      expect(f.peakConcurrency).toBe(3);
    }),
  );

  it('concurrency 1 sends one request at a time; a bad value is refused', () =>
    withSlowFake(async (f) => {
      const e = await embeddingsFactory({ modelName: 'e', baseUrl: f.openaiUrl, hostingPlatform: 'Nova', env: {}, batchSize: 1, concurrency: 1 });
      await e.embedDocuments(['a', 'b', 'c']);
      expect(f.requests).toHaveLength(3);
      expect(f.peakConcurrency).toBe(1);
      await expect(embeddingsFactory({ modelName: 'e', baseUrl: f.openaiUrl, hostingPlatform: 'Nova', env: {}, concurrency: 0 })).rejects.toThrow(OptionError);
    }));
});
