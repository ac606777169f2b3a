export {
  chatFactory,
  embeddingsFactory,
  BEDROCK_PLATFORM,
  DEFAULT_MAX_CHUNK_CHARS,
  MODEL_TOKEN_WINDOWS,
  OPENAI_EMBEDDING_CTX_LENGTH,
  OPENAI_MAX_TOKENS_PER_REQUEST,
  OPENAI_PLATFORM,
} from './factory.js';
export type { ChatFactoryOptions, EmbeddingsFactoryOptions, ModelOptions } from './factory.js';
export { resolveInferenceEndpoint } from './resolve.js';
export type { InferenceApiInfo, InferenceEndpoint, LookupOptions, ResolveOptions } from './resolve.js';
export { InferenceError, InferenceTimeoutError } from './errors.js';
export type { TokenSource, TransportOptions } from './internal/transport.js';
export type { EmbeddingTokenizer, ChunkingInfo } from './internal/chunking.js';
export type { EncodingFormat, OpenAiEmbeddingsRequestOptions } from './protocol/openai-embeddings.js';
export type { BedrockEmbeddingsRequestOptions } from './protocol/bedrock-embeddings.js';
export { OpenAiChat } from './protocol/openai-chat.js';
export { OpenAiEmbeddings } from './protocol/openai-embeddings.js';
export { BedrockChat } from './protocol/bedrock-chat.js';
export { BedrockEmbeddings } from './protocol/bedrock-embeddings.js';
export { assembleChat } from './internal/assemble.js';
export type * from './types.js';
