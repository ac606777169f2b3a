import { InferenceError } from '../errors.js';
import { combineChunks, type Chunk, type Chunker, type ChunkingInfo } from '../internal/chunking.js';
import { checkTexts } from '../internal/check-input.js';
import { replyObject, replyVector, sameLength } from '../internal/check-reply.js';
import { mapLimit } from '../internal/map-limit.js';
import { joinUrl, type Transport } from '../internal/transport.js';
import type { EmbeddingsClient, EmbedOptions } from '../types.js';

export type EncodingFormat = 'float' | 'base64';

interface EmbeddingsReply {
  data?: Array<{ index?: number; embedding?: number[] | string } | null>;
}

/** What every request of a client carries besides the inputs. */
export interface OpenAiEmbeddingsRequestOptions {
  /** Sent as `dimensions` (models that can shorten their vectors). */
  dimensions?: number;
  /** Fields merged into every request body as they are. */
  extraBody?: Record<string, unknown>;
  /**
   * Most tokens of token-id chunks in one request: a batch is closed before it would pass this
   * (a single larger chunk still goes alone). Unset: batches are cut by `batchSize` only.
   */
  maxTokensPerRequest?: number;
}

/** Embeddings over the OpenAI-compatible route (`POST <endpoint>/embeddings`), chunking long inputs. */
export class OpenAiEmbeddings implements EmbeddingsClient {
  constructor(
    private readonly transport: Transport,
    readonly endpoint: string,
    readonly modelName: string,
    readonly hostingPlatform: string,
    private readonly chunker: Chunker,
    private readonly encodingFormat: EncodingFormat,
    private readonly batchSize: number,
    private readonly concurrency: number,
    private readonly request: OpenAiEmbeddingsRequestOptions = {},
  ) {}

  /** How long inputs are cut: by characters, or by tokens of which tokenizer, and the limit. */
  get chunking(): ChunkingInfo {
    return this.chunker.describe;
  }

  async embedDocuments(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    checkTexts(texts);
    if (texts.length === 0) return [];
    const plan = this.chunker.plan(texts);
    const batches = batchChunks(plan.chunks, this.batchSize, this.request.maxTokensPerRequest);
    const vectors = (await mapLimit(batches, this.concurrency, (batch) => this.embedBatch(batch, options.signal))).flat();
    return combineChunks(texts.length, plan, sameLength(vectors, joinUrl(this.endpoint, 'embeddings')));
  }

  async embedQuery(text: string, options: EmbedOptions = {}): Promise<number[]> {
    return (await this.embedDocuments([text], options))[0]!;
  }

  private async embedBatch(input: Chunk[], signal: AbortSignal | undefined): Promise<number[][]> {
    const url = joinUrl(this.endpoint, 'embeddings');
    const body: Record<string, unknown> = { model: this.modelName, input, encoding_format: this.encodingFormat };
    if (this.request.dimensions !== undefined) body.dimensions = this.request.dimensions;
    const reply = replyObject<EmbeddingsReply>(await this.transport.postJson(url, { ...body, ...this.request.extraBody }, { signal }), url);
    const data = reply.data;
    if (!Array.isArray(data) || data.length !== input.length) {
      throw new InferenceError(`${url} sent ${Array.isArray(data) ? data.length : 'no'} embeddings for ${input.length} inputs`, { url, body: reply });
    }
    // Filled explicitly: a sparse array would hide a missing slot (`some` and `flat` skip holes).
    const out: Array<number[] | undefined> = Array.from({ length: input.length }, () => undefined);
    data.forEach((item, position) => {
      if (typeof item !== 'object' || item === null)
        throw new InferenceError(`${url} sent ${String(item)} in place of embedding ${position}`, { url, body: reply });
      const index = item.index ?? position;
      if (!Number.isInteger(index) || index < 0 || index >= input.length || out[index] !== undefined) {
        throw new InferenceError(`${url} sent embeddings with a duplicate or out-of-range index (${String(index)} for ${input.length} inputs)`, {
          url,
          body: reply,
        });
      }
      // Servers that ignore encoding_format send arrays either way; both forms are accepted.
      const e = item.embedding;
      if (typeof e === 'string') out[index] = replyVector(decodeFloat32Base64(e, url), url, reply);
      else if (Array.isArray(e)) out[index] = replyVector(e, url, reply);
      else throw new InferenceError(`${url} sent an embedding that is neither an array nor base64`, { url, body: reply });
    });
    return out as number[][];
  }
}

/**
 * Consecutive chunks in batches of at most `batchSize`, and, when `maxTokens` is set, of at most
 * that many tokens of id chunks (as LangChain's OpenAIEmbeddings cuts at OpenAI's per-request
 * limit); a chunk over the limit on its own still goes, alone.
 */
function batchChunks(chunks: Chunk[], batchSize: number, maxTokens?: number): Chunk[][] {
  const batches: Chunk[][] = [];
  let i = 0;
  while (i < chunks.length) {
    let end = i;
    let tokens = 0;
    for (let j = i; j < Math.min(i + batchSize, chunks.length); j++) {
      const n = typeof chunks[j] === 'string' ? 0 : chunks[j]!.length;
      if (maxTokens !== undefined && tokens + n > maxTokens) {
        if (end === i) end = j + 1;
        break;
      }
      tokens += n;
      end = j + 1;
    }
    batches.push(chunks.slice(i, end));
    i = end;
  }
  return batches;
}

/** Decodes base64 of little-endian float32 values (what `encoding_format: "base64"` returns). */
export function decodeFloat32Base64(text: string, url: string): number[] {
  let bin: string;
  try {
    bin = atob(text);
  } catch (err) {
    throw new InferenceError(`${url} sent an embedding string that is not base64`, { url, cause: err });
  }
  if (bin.length % 4 !== 0) throw new InferenceError(`${url} sent a base64 embedding of ${bin.length} bytes, not a multiple of 4`, { url });
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Array<number>(bin.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
