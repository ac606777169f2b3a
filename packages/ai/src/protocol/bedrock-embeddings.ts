import { InferenceError } from '../errors.js';
import type { Transport } from '../internal/transport.js';
import type { EmbeddingsClient, EmbedOptions } from '../types.js';
import { checkTexts } from '../internal/check-input.js';
import { replyObject, replyVector, sameLength } from '../internal/check-reply.js';
import { mapLimit } from '../internal/map-limit.js';
import { bedrockUrl, invokeModel } from './bedrock-invoke.js';

/** Cohere models on Bedrock take at most this many texts per InvokeModel call. */
const COHERE_BATCH = 96;

/** Cross-region inference profile prefixes that come before the provider in a model id (`us.cohere.…`). */
const GEO_PREFIXES = new Set(['eu', 'us', 'us-gov', 'apac', 'sa', 'amer', 'global', 'jp', 'au']);

/** The provider part of a Bedrock model id, as LangChain's `parse_model_provider` reads it. */
export function bedrockProvider(modelId: string): string {
  const parts = modelId.split('.');
  return parts.length > 1 && GEO_PREFIXES.has(parts[0]!.toLowerCase()) ? parts[1]! : parts[0]!;
}

/** The request and reply shapes of one model family. */
type Family = 'cohere' | 'nova' | 'titan';

function familyOf(modelId: string): Family {
  const provider = bedrockProvider(modelId);
  if (provider === 'cohere') return 'cohere';
  if (provider === 'amazon' && modelId.includes('nova') && modelId.includes('embed')) return 'nova';
  return 'titan';
}

export interface BedrockEmbeddingsRequestOptions {
  /** The vector length asked for, under the family's own field (none for Cohere before v4). */
  dimensions?: number;
  /** Fields merged into every request body as they are (LangChain's `model_kwargs`). */
  extraBody?: Record<string, unknown>;
}

type Reply = Record<string, unknown>;

/**
 * Embeddings over Bedrock InvokeModel, shaped per model family as LangChain's BedrockEmbeddings
 * does: Cohere (`cohere.` ids, v4 included) takes batches of texts with an input type, Amazon
 * Nova embedding models one `SINGLE_EMBEDDING` task per text, Titan and the rest one
 * `inputText` per call.
 */
export class BedrockEmbeddings implements EmbeddingsClient {
  private readonly family: Family;

  constructor(
    private readonly transport: Transport,
    readonly endpoint: string,
    readonly modelName: string,
    readonly hostingPlatform: string,
    private readonly concurrency: number,
    private readonly request: BedrockEmbeddingsRequestOptions = {},
  ) {
    this.family = familyOf(modelName);
  }

  embedDocuments(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    return this.embed(texts, 'search_document', options.signal);
  }

  async embedQuery(text: string, options: EmbedOptions = {}): Promise<number[]> {
    return (await this.embed([text], 'search_query', options.signal))[0]!;
  }

  private get url(): string {
    return bedrockUrl(this.endpoint, this.modelName, 'invoke');
  }

  private async embed(texts: string[], inputType: string, signal?: AbortSignal): Promise<number[][]> {
    checkTexts(texts);
    // LangChain's BedrockEmbeddings replaces os.linesep ('\n' where the reference runs) with a
    // space before sending, so the same text gets the same vector on both sides.
    const flat = texts.map((t) => t.replaceAll('\n', ' '));
    if (this.family === 'cohere') {
      const batches: string[][] = [];
      for (let i = 0; i < flat.length; i += COHERE_BATCH) batches.push(flat.slice(i, i + COHERE_BATCH));
      const results = await mapLimit(batches, this.concurrency, async (batch) =>
        this.cohereVectors(await this.invoke({ input_type: inputType, texts: batch, ...this.dimensionFields() }, signal), batch.length),
      );
      return sameLength(results.flat(), this.url);
    }
    const one = (text: string) => (this.family === 'nova' ? this.nova(text, signal) : this.titan(text, signal));
    return sameLength(await mapLimit(flat, this.concurrency, one), this.url);
  }

  private async invoke(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Reply> {
    const reply = await invokeModel(this.transport, this.endpoint, this.modelName, { ...body, ...this.request.extraBody }, signal);
    return replyObject<Reply>(reply, this.url);
  }

  /** Cohere v4 takes `output_dimension`, earlier Cohere models have no such field, the rest `dimensions`. */
  private dimensionFields(): Record<string, unknown> {
    const { dimensions } = this.request;
    if (dimensions === undefined) return {};
    if (this.modelName.includes('cohere.embed-v4')) return { output_dimension: dimensions };
    return this.family === 'cohere' ? {} : { dimensions };
  }

  /** Cohere v3 answers `embeddings: [[…]]`, v4 `embeddings: { float: [[…]] }`. */
  private cohereVectors(reply: Reply, count: number): number[][] {
    const raw = reply.embeddings;
    const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { float?: unknown }).float : raw;
    if (!Array.isArray(list) || list.length !== count) {
      throw new InferenceError(`model ${this.modelName} sent ${Array.isArray(list) ? list.length : 'no'} embeddings for ${count} texts`, {
        url: this.url,
        body: reply,
      });
    }
    return list.map((v) => replyVector(v, this.url, reply));
  }

  private async nova(text: string, signal: AbortSignal | undefined): Promise<number[]> {
    const params: Record<string, unknown> = { embeddingPurpose: 'GENERIC_INDEX', text: { truncationMode: 'END', value: text } };
    if (this.request.dimensions) params.embeddingDimension = this.request.dimensions;
    const reply = await this.invoke({ taskType: 'SINGLE_EMBEDDING', singleEmbeddingParams: params }, signal);
    const first: unknown = Array.isArray(reply.embeddings) ? reply.embeddings[0] : undefined;
    const vector = first !== null && typeof first === 'object' ? (first as { embedding?: unknown }).embedding : undefined;
    if (vector === undefined) throw new InferenceError(`model ${this.modelName} sent no embedding`, { url: this.url, body: reply });
    return replyVector(vector, this.url, reply);
  }

  private async titan(text: string, signal: AbortSignal | undefined): Promise<number[]> {
    const reply = await this.invoke({ inputText: text, ...this.dimensionFields() }, signal);
    if (reply.embedding === undefined) throw new InferenceError(`model ${this.modelName} sent no embedding`, { url: this.url, body: reply });
    return replyVector(reply.embedding, this.url, reply);
  }
}
