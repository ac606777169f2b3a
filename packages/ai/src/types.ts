import type { ChunkingInfo } from './internal/chunking.js';

/** A tool the model may call: a name, a description and a JSON Schema for its arguments. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** A call the model asked for; `arguments` is the JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; content: string; toolCallId: string };

export interface ChatCallOptions {
  signal?: AbortSignal;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  /** `auto` (default when tools are given), `none`, `required`, or one tool by name. */
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  /**
   * Ask for a JSON reply (OpenAI-compatible path: `response_format` `json_object`, or
   * `json_schema` with a schema). The Bedrock Converse API has no such switch: there it is a
   * NotSupportedError (use a tool, e.g. LangChain's `withStructuredOutput`).
   */
  responseFormat?: { type: 'json'; schema?: Record<string, unknown>; name?: string };
  /**
   * Extra request fields merged into the body as they are: OpenAI-compatible fields on that
   * path, `additionalModelRequestFields` and friends on the Bedrock path. They win over the
   * fields the client sets; one set to `undefined` is left out (e.g. `stream_options`).
   */
  extraBody?: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface Usage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The finish reason as the endpoint spelled it (`stop`, `end_turn`, `tool_use`, …). */
  rawFinishReason: string | undefined;
  usage: Usage;
  id: string | undefined;
  /** The endpoint's reply as it came. */
  raw: unknown;
}

/** One piece of a streamed reply. */
export type ChatChunk =
  | { type: 'text'; text: string }
  | { type: 'tool-call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; rawFinishReason: string | undefined; usage: Usage };

/** What both protocols offer; `chatFactory` returns one of these. */
export interface ChatClient {
  readonly modelName: string;
  readonly hostingPlatform: string;
  readonly endpoint: string;
  /** The factory's `streaming` option: whether the LangChain adapter may use the streaming routes. */
  readonly streaming: boolean;
  chat(messages: ChatMessage[], options?: ChatCallOptions): Promise<ChatResult>;
  /**
   * The reply in parts, ending with a `finish` part. An error the server reports inside the
   * stream, or a body that ends before the reply did (no `finish_reason` and no `[DONE]`, or no
   * Bedrock `messageStop`), is an InferenceError thrown after the parts that came before it.
   */
  stream(messages: ChatMessage[], options?: ChatCallOptions): AsyncIterable<ChatChunk>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
}

/**
 * The embeddings shape LangChain and @s2/vectorstore expect: `embedDocuments` and `embedQuery`.
 */
export interface EmbeddingsClient {
  readonly modelName: string;
  readonly hostingPlatform: string;
  readonly endpoint: string;
  /**
   * How long inputs are cut before they are sent: by characters, or by tokens of which
   * tokenizer, and the limit. Absent on Bedrock (`Amazon`), where texts go whole.
   */
  readonly chunking?: ChunkingInfo;
  embedDocuments(texts: string[], options?: EmbedOptions): Promise<number[][]>;
  embedQuery(text: string, options?: EmbedOptions): Promise<number[]>;
}
