import { InferenceError } from '../errors.js';
import type { Transport } from '../internal/transport.js';
import type { EmbeddingsClient, EmbedOptions } from '../types.js';
import { checkTexts } from '../internal/check-input.js';
import { mapLimit } from '../internal/map-limit.js';
import { invokeModel } from './bedrock-invoke.js';

/** Cohere models on Bedrock take at most this many texts per InvokeModel call. */
const COHERE_BATCH = 96;

/**
 * Embeddings over Bedrock InvokeModel, shaped per model family as LangChain's BedrockEmbeddings
 * does: Cohere (`cohere.` ids) takes batches of texts with an input type, Titan and the rest
 * one `inputText` per call.
 */
export class BedrockEmbeddings implements EmbeddingsClient {
  constructor(
    private readonly transport: Transport,
    readonly endpoint: string,
    readonly modelName: string,
    readonly hostingPlatform: string,
    private readonly concurrency: number,
  ) {}

  private get cohere(): boolean {
    return /(^|\.)cohere\./.test(this.modelName);
  }

  embedDocuments(texts: string[], options: EmbedOptions = {}): Promise<number[][]> {
    return this.embed(texts, 'search_document', options.signal);
  }

  async embedQuery(text: string, options: EmbedOptions = {}): Promise<number[]> {
    return (await this.embed([text], 'search_query', options.signal))[0]!;
  }

  private async embed(texts: string[], inputType: string, signal?: AbortSignal): Promise<number[][]> {
    checkTexts(texts);
    if (this.cohere) {
      const batches: string[][] = [];
      for (let i = 0; i < texts.length; i += COHERE_BATCH) batches.push(texts.slice(i, i + COHERE_BATCH));
      const results = await mapLimit(batches, this.concurrency, async (batch) => {
        const reply = await invokeModel<{ embeddings?: number[][] }>(
          this.transport,
          this.endpoint,
          this.modelName,
          { texts: batch, input_type: inputType },
          signal,
        );
        if (!Array.isArray(reply.embeddings) || reply.embeddings.length !== batch.length) {
          throw new InferenceError(`model ${this.modelName} sent ${reply.embeddings?.length ?? 'no'} embeddings for ${batch.length} texts`, { body: reply });
        }
        return reply.embeddings;
      });
      return results.flat();
    }
    return mapLimit(texts, this.concurrency, async (text) => {
      const reply = await invokeModel<{ embedding?: number[] }>(this.transport, this.endpoint, this.modelName, { inputText: text }, signal);
      if (!Array.isArray(reply.embedding)) throw new InferenceError(`model ${this.modelName} sent no embedding`, { body: reply });
      return reply.embedding;
    });
  }
}
