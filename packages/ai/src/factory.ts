import { OptionError } from '@s2/base';
import { characterChunker, tokenChunker, type Chunker, type EmbeddingTokenizer } from './internal/chunking.js';
import { tiktokenTokenizer } from './internal/tiktoken.js';
import { Transport, type TransportOptions } from './internal/transport.js';
import { BedrockChat } from './protocol/bedrock-chat.js';
import { BedrockEmbeddings } from './protocol/bedrock-embeddings.js';
import { OpenAiChat } from './protocol/openai-chat.js';
import { OpenAiEmbeddings, type EncodingFormat } from './protocol/openai-embeddings.js';
import { resolveInferenceEndpoint, type InferenceEndpoint, type ResolveOptions } from './resolve.js';
import type { ChatClient, EmbeddingsClient } from './types.js';

/**
 * The hosting platform served over the Bedrock Runtime protocol (exact, case-sensitive, as in
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1)).
 */
export const BEDROCK_PLATFORM = 'Amazon';

/** Characters per chunk when nothing says how long the model's window is (the Python SDK's default). */
export const DEFAULT_MAX_CHUNK_CHARS = 24_000;

export interface ModelOptions extends ResolveOptions, TransportOptions {
  /** The model as SingleStore's inference service knows it: the lookup key and the model id sent. */
  modelName: string;
  /** An endpoint already resolved (skips resolution; for callers that resolve once and build several clients). */
  endpoint?: InferenceEndpoint;
}

export interface ChatFactoryOptions extends ModelOptions {
  /**
   * Whether the LangChain adapter may use the streaming routes, as the Python SDK's `streaming`
   * (default true). True: `.stream()` streams, and `invoke` streams underneath on the
   * OpenAI-compatible path (ChatOpenAI(streaming=True)) but asks Converse on `Amazon`
   * (ChatBedrockConverse(disable_streaming=False)). False: no streaming route at all, so
   * `.stream()` yields the whole reply as one chunk, as LangChain does for a model with
   * streaming disabled. The built-in client's `chat` and `stream` do not look at it.
   */
  streaming?: boolean;
  /**
   * OpenAI-compatible path: whether streams send `stream_options: { include_usage: true }`, so
   * the server ends the stream with a usage chunk (the `finish` part's `usage`). Default false,
   * as the Python SDK's ChatOpenAI (LangChain leaves it off for a custom base URL): servers that
   * refuse unknown fields answer it with a 400, and without it streamed usage is unknown. A
   * call's `extraBody` wins over it (`stream_options: undefined` removes the field). Bedrock's
   * converse-stream reports usage regardless.
   */
  streamUsage?: boolean;
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
  /**
   * How long inputs are cut on the OpenAI-compatible path:
   * - `'auto'` (default): on `Azure` (real OpenAI models) by tiktoken tokens when the optional
   *   peer `js-tiktoken` is installed, as the Python SDK (LangChain with tiktoken) does there;
   *   everywhere else, and without js-tiktoken, by characters;
   * - `'tiktoken'`: by js-tiktoken tokens on any platform (an OptionError without js-tiktoken);
   * - `'characters'`: always by characters (`maxChunkChars`);
   * - an `EmbeddingTokenizer` (the model's own, e.g. a Hugging Face tokenizer you loaded): by its
   *   tokens, special tokens around each chunk, token ids on the wire.
   */
  tokenizer?: EmbeddingTokenizer | 'auto' | 'tiktoken' | 'characters';
  /** How vectors travel (OpenAI-compatible path). Default `base64` (4 bytes a value); replies in either form are accepted. */
  encodingFormat?: EncodingFormat;
  /** Inputs (chunks) per request on the OpenAI-compatible path. Default 512. */
  batchSize?: number;
  /** Requests in flight at once when one call needs several (batches, or one per text for Titan-style models). Default 4. */
  concurrency?: number;
  /**
   * The vector length to ask for, for models that can shorten their vectors: `dimensions` on the
   * OpenAI-compatible path and for Titan, `output_dimension` for Cohere Embed v4,
   * `embeddingDimension` for Amazon Nova; Cohere before v4 has no such field, so none is sent
   * (as LangChain's OpenAIEmbeddings and BedrockEmbeddings do).
   */
  dimensions?: number;
  /** Fields merged into every embeddings request body as they are (LangChain's `model_kwargs`). */
  extraBody?: Record<string, unknown>;
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
  const streamUsage = opts.streamUsage ?? false;
  if (typeof streamUsage !== 'boolean') throw new OptionError(`streamUsage must be true or false, got ${String(streamUsage)}`);
  return ep.hostingPlatform === BEDROCK_PLATFORM
    ? new BedrockChat(transport, ep.url, opts.modelName, ep.hostingPlatform, streaming)
    : new OpenAiChat(transport, ep.url, opts.modelName, ep.hostingPlatform, streaming, streamUsage);
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
  const request = {
    dimensions: opts.dimensions === undefined ? undefined : positiveInteger('dimensions', opts.dimensions),
    extraBody: plainObject('extraBody', opts.extraBody),
  };
  if (ep.hostingPlatform === BEDROCK_PLATFORM) return new BedrockEmbeddings(transport, ep.url, opts.modelName, ep.hostingPlatform, concurrency, request);
  const { chunker, maxTokensPerRequest } = await chunkerFor(opts, ep);
  const batchSize = positiveInteger('batchSize', opts.batchSize ?? 512);
  return new OpenAiEmbeddings(transport, ep.url, opts.modelName, ep.hostingPlatform, chunker, opts.encodingFormat ?? 'base64', batchSize, concurrency, {
    ...request,
    maxTokensPerRequest,
  });
}

/**
 * Context windows of models whose own tokenizer the Python SDK uses (its registry, keyed by the
 * lower-cased model name): the window when a caller brings that tokenizer without `maxInputTokens`.
 */
export const MODEL_TOKEN_WINDOWS: Readonly<Record<string, number>> = { 'qwen/qwen3-embedding-0.6b': 32_768 };

/** LangChain's OpenAIEmbeddings `embedding_ctx_length`: the window for tiktoken chunking when nothing says otherwise. */
export const OPENAI_EMBEDDING_CTX_LENGTH = 8191;

/**
 * LangChain's OpenAIEmbeddings `MAX_TOKENS_PER_REQUEST` (OpenAI's own limit): with tiktoken
 * chunking a request is closed before its token ids would pass this many.
 */
export const OPENAI_MAX_TOKENS_PER_REQUEST = 300_000;

/** The platform of real OpenAI models, where tiktoken is the right tokenizer (as in the Python SDK). */
export const OPENAI_PLATFORM = 'Azure';

/**
 * How inputs are cut and, for tiktoken chunking (the reference's LangChain path for OpenAI
 * models), the per-request token limit; the reference sends other chunks in `batchSize` batches only.
 */
async function chunkerFor(opts: EmbeddingsFactoryOptions, ep: InferenceEndpoint): Promise<{ chunker: Chunker; maxTokensPerRequest?: number }> {
  const window = opts.maxInputTokens ?? ep.info?.maxInputTokens;
  const mode = opts.tokenizer ?? 'auto';
  if (typeof mode === 'object' && mode !== null) {
    if (typeof mode.encode !== 'function') throw new OptionError('tokenizer.encode must be a function');
    const tokens = window ?? MODEL_TOKEN_WINDOWS[opts.modelName.toLowerCase()];
    if (tokens === undefined) throw new OptionError(`chunking by tokens needs maxInputTokens for model ${opts.modelName}`);
    return { chunker: tokenChunker(mode, tokens) };
  }
  if (mode !== 'auto' && mode !== 'tiktoken' && mode !== 'characters') {
    throw new OptionError(`tokenizer must be 'auto', 'tiktoken', 'characters' or an object with encode(), got ${String(mode)}`);
  }
  if (mode === 'tiktoken' || (mode === 'auto' && ep.hostingPlatform === OPENAI_PLATFORM)) {
    const tiktoken = await tiktokenTokenizer(opts.modelName);
    if (tiktoken) {
      return {
        chunker: tokenChunker(tiktoken.tokenizer, window ?? OPENAI_EMBEDDING_CTX_LENGTH, tiktoken.name, 0),
        maxTokensPerRequest: OPENAI_MAX_TOKENS_PER_REQUEST,
      };
    }
    if (mode === 'tiktoken') throw new OptionError("tokenizer: 'tiktoken' needs the optional package js-tiktoken (npm install js-tiktoken)");
  }
  return { chunker: characterChunker(opts.maxChunkChars ?? window ?? DEFAULT_MAX_CHUNK_CHARS) };
}

function plainObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionError(`${name} must be an object of request fields, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new OptionError(`${name} must be a positive integer, got ${value}`);
  return value;
}
