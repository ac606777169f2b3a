import { OptionError } from '@s2/base';
import { characterChunker, tokenChunker, type EmbeddingTokenizer } from './internal/chunking.js';
import { Transport, type TransportOptions } from './internal/transport.js';
import { BedrockChat } from './protocol/bedrock-chat.js';
import { BedrockEmbeddings } from './protocol/bedrock-embeddings.js';
import { OpenAiChat } from './protocol/openai-chat.js';
import { OpenAiEmbeddings, type EncodingFormat } from './protocol/openai-embeddings.js';
import { resolveInferenceEndpoint, type InferenceEndpoint, type ResolveOptions } from './resolve.js';
import type { ChatClient, EmbeddingsClient } from './types.js';

/** The hosting platform served over the Bedrock Runtime protocol (exact, case-sensitive, as in the reference). */
export const BEDROCK_PLATFORM = 'Amazon';

/** Characters per chunk when nothing says how long the model's window is (the reference's default). */
export const DEFAULT_MAX_CHUNK_CHARS = 24_000;

export interface ModelOptions extends ResolveOptions, TransportOptions {
  /** The model as SingleStore's inference service knows it: the lookup key and the model id sent. */
  modelName: string;
  /** An endpoint already resolved (skips resolution; for callers that resolve once and build several clients). */
  endpoint?: InferenceEndpoint;
}

export interface ChatFactoryOptions extends ModelOptions {
  /** Whether adapters that offer both stream by default (LangChain `invoke`). Default true, as in the reference. */
  streaming?: boolean;
}

export interface EmbeddingsFactoryOptions extends ModelOptions {
  /**
   * The model's context window in tokens. With `tokenizer`, inputs are split into token chunks
   * that fit it (token ids go on the wire); without one it caps the characters per chunk,
   * assuming at least one character per token. Default: what the inference API reports.
   */
  maxInputTokens?: number;
  /** Characters per chunk when chunking by characters. Default `maxInputTokens`, else 24 000. */
  maxChunkChars?: number;
  /** The model's own tokenizer, for chunking by tokens and sending token ids. */
  tokenizer?: EmbeddingTokenizer;
  /** How vectors travel (OpenAI-compatible path). Default `base64` (4 bytes a value); replies in either form are accepted. */
  encodingFormat?: EncodingFormat;
  /** Inputs (chunks) per request on the OpenAI-compatible path. Default 512. */
  batchSize?: number;
  /** Requests in flight at once when one call needs several (batches, or one per text for Titan-style models). Default 4. */
  concurrency?: number;
}

async function endpointOf(opts: ModelOptions): Promise<InferenceEndpoint> {
  if (!opts.modelName) throw new OptionError('modelName is required');
  const ep = opts.endpoint ?? (await resolveInferenceEndpoint(opts.modelName, opts));
  // Checked here so a wrong URL fails once, clearly, instead of as a retried network error per call.
  if (!/^https?:\/\/[^/]/i.test(ep.url ?? '') || !URL.canParse(ep.url)) {
    throw new OptionError(`the endpoint URL of model ${opts.modelName} is not an absolute http(s) URL: ${JSON.stringify(ep.url)}`);
  }
  return ep;
}

/**
 * A chat client for a SingleStore-hosted model: Bedrock Converse when the platform is
 * `Amazon`, OpenAI-compatible Chat Completions otherwise.
 */
export async function chatFactory(opts: ChatFactoryOptions): Promise<ChatClient> {
  const ep = await endpointOf(opts);
  const transport = new Transport(opts);
  const streaming = opts.streaming ?? true;
  return ep.hostingPlatform === BEDROCK_PLATFORM
    ? new BedrockChat(transport, ep.url, opts.modelName, ep.hostingPlatform, streaming)
    : new OpenAiChat(transport, ep.url, opts.modelName, ep.hostingPlatform, streaming);
}

/**
 * An embeddings client for a SingleStore-hosted model: Bedrock InvokeModel when the platform is
 * `Amazon`, else the OpenAI-compatible route with long inputs chunked on the client and the
 * chunk vectors averaged back into one per input.
 */
export async function embeddingsFactory(opts: EmbeddingsFactoryOptions): Promise<EmbeddingsClient> {
  const ep = await endpointOf(opts);
  const transport = new Transport(opts);
  const concurrency = positiveInteger('concurrency', opts.concurrency ?? 4);
  if (ep.hostingPlatform === BEDROCK_PLATFORM) return new BedrockEmbeddings(transport, ep.url, opts.modelName, ep.hostingPlatform, concurrency);
  const window = opts.maxInputTokens ?? ep.info?.maxInputTokens;
  let chunker;
  if (opts.tokenizer) {
    if (window === undefined) throw new OptionError(`chunking by tokens needs maxInputTokens for model ${opts.modelName}`);
    chunker = tokenChunker(opts.tokenizer, window);
  } else {
    chunker = characterChunker(opts.maxChunkChars ?? window ?? DEFAULT_MAX_CHUNK_CHARS);
  }
  const batchSize = positiveInteger('batchSize', opts.batchSize ?? 512);
  return new OpenAiEmbeddings(transport, ep.url, opts.modelName, ep.hostingPlatform, chunker, opts.encodingFormat ?? 'base64', batchSize, concurrency);
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new OptionError(`${name} must be a positive integer, got ${value}`);
  return value;
}
