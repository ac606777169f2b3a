/**
 * Token-aware chunking of long embedding inputs (singlestoredb 1.18's `max_input_tokens`):
 * which tokenizer each platform gets, inputs split at the token limit, and chunk vectors
 * combined as the reference combines them (LangChain's weighted average by token count, back
 * to unit length; one chunk's vector as it came). The AI fake rejects inputs longer than its
 * window and embeds token ids deterministically, so both the cut and the average are checked.
 */
import { describe, expect, it } from 'vitest';
import { getEncoding } from 'js-tiktoken';
import { OptionError } from '@s2/base';
import {
  embeddingsFactory,
  MODEL_TOKEN_WINDOWS,
  OPENAI_EMBEDDING_CTX_LENGTH,
  OPENAI_MAX_TOKENS_PER_REQUEST,
  type ChunkingInfo,
  type EmbeddingsClient,
  type EmbeddingsFactoryOptions,
  type OpenAiEmbeddings,
} from '@s2/ai';
import { fakeEmbedding, startFakeAi } from '@s2/fakes/ai';
import { since, useFakeAi } from './support.js';

const WINDOW = 50;
const fake = useFakeAi({ maxInputLength: WINDOW });
const cl100k = getEncoding('cl100k_base');

const factory = async (hostingPlatform: string, extra: Partial<EmbeddingsFactoryOptions> = {}) =>
  (await embeddingsFactory({ modelName: 'text-embedding-3-small', baseUrl: fake().openaiUrl, hostingPlatform, env: {}, ...extra })) as OpenAiEmbeddings;

/** LangChain's combination, written out: weights are the chunks' token counts. */
function combined(chunks: number[][]): number[] {
  const vs = chunks.map((c) => fakeEmbedding(c));
  if (vs.length === 1) return vs[0]!;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const avg = vs[0]!.map((_, k) => vs.reduce((s, v, j) => s + v[k]! * chunks[j]!.length, 0) / total);
  const norm = Math.sqrt(avg.reduce((s, x) => s + x * x, 0));
  return avg.map((x) => x / norm);
}

const LONG = Array.from({ length: 40 }, (_, i) => `Sentence ${i} talks about distributed SQL, vectors and tokenizers.`).join(' ');

it('chunking is part of the public EmbeddingsClient type: set on the OpenAI-compatible path, absent on Bedrock', async () => {
  // Typed as the factory returns it (no cast to OpenAiEmbeddings), as the README uses it.
  const client: EmbeddingsClient = await embeddingsFactory({ modelName: 'm', baseUrl: fake().openaiUrl, hostingPlatform: 'Nova', env: {}, maxChunkChars: 7 });
  const info: ChunkingInfo | undefined = client.chunking;
  expect(info).toEqual({ by: 'characters', maxChars: 7 });
  const bedrock = await embeddingsFactory({ modelName: 'amazon.titan-embed-text-v2:0', baseUrl: fake().bedrockUrl, hostingPlatform: 'Amazon', env: {} });
  expect(bedrock.chunking).toBeUndefined();
});

describe("tokenizer 'auto' (default): tiktoken for OpenAI models on Azure, as the reference", () => {
  it("picks js-tiktoken with the model encoding and LangChain's 8191-token window on Azure", async () => {
    expect((await factory('Azure')).chunking).toEqual({
      by: 'tokens',
      maxInputTokens: OPENAI_EMBEDDING_CTX_LENGTH,
      tokenizer: 'tiktoken:text-embedding-3-small',
    });
    expect((await factory('Azure', { modelName: 'my-deployment' })).chunking).toMatchObject({ tokenizer: 'tiktoken:cl100k_base' });
  });

  it('splits a long input at the token limit and combines the chunk vectors by token count', async () => {
    const e = await factory('Azure', { maxInputTokens: WINDOW });
    const from = fake().requests.length;
    const [short, long] = await e.embedDocuments(['a short text', LONG]);
    const sent = since(fake(), from).flatMap((r) => r.body.input as number[][]);
    const ids = cl100k.encode(LONG);
    expect(ids.length).toBeGreaterThan(3 * WINDOW); // the fake would refuse it whole
    expect(sent[0]).toEqual(cl100k.encode('a short text'));
    const chunks = sent.slice(1);
    expect(chunks.slice(0, -1).every((c) => c.length === WINDOW)).toBe(true); // LangChain fills the window, no margin
    expect(chunks.at(-1)!.length).toBeLessThanOrEqual(WINDOW);
    expect(chunks.flat()).toEqual(ids);
    expect(short).toEqual(fakeEmbedding(cl100k.encode('a short text')));
    const expected = combined(chunks);
    long!.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 6));
    expect(Math.hypot(...long!)).toBeCloseTo(1, 9);
  });

  it('the window comes from maxInputTokens, else from the inference API lookup', async () => {
    const e = await factory('Azure', {
      endpoint: { modelName: 'text-embedding-3-small', url: fake().openaiUrl, hostingPlatform: 'Azure', info: { maxInputTokens: 20 } as never },
    });
    expect(e.chunking).toMatchObject({ by: 'tokens', maxInputTokens: 20 });
    const from = fake().requests.length;
    await e.embedQuery(LONG);
    expect(
      since(fake(), from)
        .flatMap((r) => r.body.input as number[][])
        .every((c) => c.length <= 20),
    ).toBe(true);
  });

  it('an empty text goes as the empty string (an empty id list is no valid input), special-token text as ordinary text', async () => {
    const e = await factory('Azure', { maxInputTokens: WINDOW });
    const from = fake().requests.length;
    const [empty, special] = await e.embedDocuments(['', 'ends with <|endoftext|>']);
    expect(since(fake(), from)[0]!.body.input).toEqual(['', cl100k.encode('ends with <|endoftext|>', [], [])]);
    expect(empty).toEqual(fakeEmbedding(''));
    expect(special).toHaveLength(16);
  });

  it('other platforms (not OpenAI models: tiktoken would be the wrong tokenizer) chunk by characters', async () => {
    expect((await factory('Nova')).chunking).toEqual({ by: 'characters', maxChars: 24_000 });
    expect((await factory('Nova', { maxInputTokens: 30 })).chunking).toEqual({ by: 'characters', maxChars: 30 });
  });
});

describe('choosing the tokenizer explicitly', () => {
  it("'tiktoken' on any platform, 'characters' even on Azure", async () => {
    expect((await factory('Nova', { tokenizer: 'tiktoken', maxInputTokens: WINDOW })).chunking).toEqual({
      by: 'tokens',
      maxInputTokens: WINDOW,
      tokenizer: 'tiktoken:text-embedding-3-small',
    });
    const chars = await factory('Azure', { tokenizer: 'characters', maxChunkChars: 40 });
    expect(chars.chunking).toEqual({ by: 'characters', maxChars: 40 });
    const from = fake().requests.length;
    await chars.embedQuery('z'.repeat(90));
    expect(since(fake(), from)[0]!.body.input).toEqual(['z'.repeat(40), 'z'.repeat(40), 'z'.repeat(10)]);
  });

  it("a caller's tokenizer for a model of the reference's registry takes the registry's window", async () => {
    const tokenizer = { encode: (t: string) => Array.from(t, (c) => c.charCodeAt(0)), prefix: [1], suffix: [2] };
    const e = await factory('Nova', { modelName: 'Qwen/Qwen3-Embedding-0.6B', tokenizer });
    expect(e.chunking).toEqual({ by: 'tokens', maxInputTokens: MODEL_TOKEN_WINDOWS['qwen/qwen3-embedding-0.6b'], tokenizer: 'caller' });
    await expect(factory('Nova', { modelName: 'other', tokenizer })).rejects.toThrow(/needs maxInputTokens/);
  });

  it('refuses an unknown tokenizer choice and a tokenizer without encode()', async () => {
    await expect(factory('Azure', { tokenizer: 'bpe' as never })).rejects.toThrow(OptionError);
    await expect(factory('Azure', { tokenizer: {} as never, maxInputTokens: 10 })).rejects.toThrow(/tokenizer.encode must be a function/);
    await expect(factory('Azure', { maxInputTokens: 0 })).rejects.toThrow(OptionError);
  });
});

describe("OpenAI's limit of 300 000 tokens a request (LangChain's MAX_TOKENS_PER_REQUEST)", () => {
  it("tiktoken chunks go in requests of at most that many tokens; the fake refuses more, in OpenAI's words", async () => {
    // Its own fake: no window, so whole 8 002-token texts fit and one 512-chunk batch would carry 320 080 tokens.
    const f = await startFakeAi();
    try {
      const texts = Array.from({ length: 40 }, (_, i) => `doc${i}${' hello'.repeat(8000)}`);
      const e = await embeddingsFactory({ modelName: 'text-embedding-3-small', baseUrl: f.openaiUrl, hostingPlatform: 'Azure', env: {}, concurrency: 1 });
      const vectors = await e.embedDocuments(texts);
      const tokensSent = f.requests.map((r) => (r.body.input as number[][]).reduce((n, ids) => n + ids.length, 0));
      expect(OPENAI_MAX_TOKENS_PER_REQUEST).toBe(300_000);
      expect(tokensSent).toEqual([37 * 8002, 3 * 8002]);
      expect(vectors).toEqual(texts.map((t) => fakeEmbedding(cl100k.encode(t))));

      const over = await fetch(`${f.openaiUrl}/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', input: [new Array(300_001).fill(1)] }),
      });
      expect(over.status).toBe(400);
      expect(await over.json()).toEqual({
        error: {
          message: 'Requested 300001 tokens, max 300000 tokens per request',
          type: 'max_tokens_per_request',
          param: null,
          code: 'max_tokens_per_request',
        },
      });
    } finally {
      await f.close();
    }
  });

  it('a chunk over the limit on its own still goes, alone; other tokenizers are cut by batchSize only, as the reference', async () => {
    const f = await startFakeAi({ maxTokensPerRequest: 1_000_000 });
    try {
      const e = await embeddingsFactory({
        modelName: 'text-embedding-3-small',
        baseUrl: f.openaiUrl,
        hostingPlatform: 'Azure',
        env: {},
        concurrency: 1,
        maxInputTokens: 400_000,
      });
      await e.embedDocuments(['a b', ' x'.repeat(310_000), 'c d']);
      expect(f.requests.map((r) => (r.body.input as number[][]).map((ids) => ids.length))).toEqual([[2], [310_000], [2]]);
      const caller = await embeddingsFactory({
        modelName: 'm',
        baseUrl: f.openaiUrl,
        hostingPlatform: 'Nova',
        env: {},
        tokenizer: { encode: (t) => Array.from(t, () => 7) },
        maxInputTokens: 200_000,
      });
      const from = f.requests.length;
      await caller.embedDocuments(['y'.repeat(190_000), 'z'.repeat(190_000)]);
      expect(since(f, from)).toHaveLength(1);
    } finally {
      await f.close();
    }
  });
});
