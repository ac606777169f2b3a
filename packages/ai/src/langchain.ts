import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { type AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult as LcChatResult } from '@langchain/core/outputs';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import { NotSupportedError, OptionError } from '@s2/base';
import { BEDROCK_PLATFORM, chatFactory, embeddingsFactory, type ChatFactoryOptions, type EmbeddingsFactoryOptions } from './factory.js';
import { assembleChat } from './internal/assemble.js';
import type { ChatCallOptions, ChatChunk, ChatClient, ChatMessage, EmbeddingsClient, ToolDefinition, Usage } from './types.js';

/** Options that hold tokens, or reach them (the environment, the management API's options, a fetch). */
const SECRET_FIELDS = ['apiKey', 'oboTokenGetter', 'headers', 'env', 'management', 'fetch'] as const;

/**
 * The fields for LangChain's base classes: they keep what they are given as `lc_kwargs`, which
 * util.inspect prints and `toJSON` hands to every callback and tracer (LangSmith included).
 */
function withoutSecrets<T extends object>(fields: T): Omit<T, (typeof SECRET_FIELDS)[number]> {
  const rest: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
  for (const k of SECRET_FIELDS) delete rest[k];
  return rest as Omit<T, (typeof SECRET_FIELDS)[number]>;
}

export interface ChatSingleStoreCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
  temperature?: number;
  maxTokens?: number;
}

export type ChatSingleStoreFields = Partial<ChatFactoryOptions> &
  BaseChatModelParams & {
    /** A built-in client to wrap (otherwise one is made from the factory options on first use). */
    client?: ChatClient;
    temperature?: number;
    maxTokens?: number;
    topP?: number;
    stop?: string[];
  };

/**
 * A LangChain.js chat model for a SingleStore-hosted model, over the built-in client (so both
 * the OpenAI-compatible and the Bedrock protocol), with streaming, tool calling and usage.
 */
export class ChatSingleStore extends BaseChatModel<ChatSingleStoreCallOptions, AIMessageChunk> {
  static override lc_name(): string {
    return 'ChatSingleStore';
  }

  private clientPromise: Promise<ChatClient> | undefined;
  readonly #fields: ChatSingleStoreFields;
  /**
   * Whether the streaming routes are used, as the `streaming` of the SingleStoreDB Python SDK
   * (singlestoredb 1.18.1): see {@link ChatFactoryOptions.streaming}.
   */
  readonly streaming: boolean;

  constructor(fields: ChatSingleStoreFields) {
    super(withoutSecrets(fields));
    this.#fields = fields;
    this.streaming = fields.streaming ?? fields.client?.streaming ?? true;
    // The reference's `streaming=False` turns the streaming routes off altogether, `.stream()`
    // included (LangChain then yields the whole reply); LangChain.js spells that disableStreaming.
    this.disableStreaming = !this.streaming;
    if (fields.client) this.clientPromise = Promise.resolve(fields.client);
  }

  _llmType(): string {
    return 'singlestore';
  }

  /** The built-in client underneath (resolving the endpoint on first use). */
  client(): Promise<ChatClient> {
    if (!this.clientPromise) {
      const { modelName } = this.#fields;
      this.clientPromise = chatFactory({ ...this.#fields, modelName: modelName ?? '' });
      this.clientPromise.catch(() => (this.clientPromise = undefined));
    }
    return this.clientPromise;
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ChatSingleStoreCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ChatSingleStoreCallOptions> {
    return this.withConfig({ tools, ...kwargs } as Partial<ChatSingleStoreCallOptions>);
  }

  private callOptions(options: this['ParsedCallOptions']): ChatCallOptions {
    const f = this.#fields;
    const o: ChatCallOptions = { signal: options.signal };
    const temperature = options.temperature ?? f.temperature;
    const maxTokens = options.maxTokens ?? f.maxTokens;
    const stop = options.stop ?? f.stop;
    if (temperature !== undefined) o.temperature = temperature;
    if (maxTokens !== undefined) o.maxTokens = maxTokens;
    if (f.topP !== undefined) o.topP = f.topP;
    if (stop?.length) o.stop = stop;
    if (options.tools?.length) o.tools = options.tools.map(toToolDefinition);
    const choice = toToolChoice(options.tool_choice);
    if (choice !== undefined) o.toolChoice = choice;
    return o;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<LcChatResult> {
    const client = await this.client();
    const opts = this.callOptions(options);
    // As the reference: ChatOpenAI(streaming=True) streams `invoke` underneath, while
    // ChatBedrockConverse(disable_streaming=False) answers it over Converse and streams only `.stream()`.
    const streamInvoke = this.streaming && client.hostingPlatform !== BEDROCK_PLATFORM;
    const result = streamInvoke
      ? await assembleChat(this.tapStream(client.stream(toChatMessages(messages), opts), runManager))
      : await client.chat(toChatMessages(messages), opts);
    const message = new AIMessageChunk({
      content: result.text,
      tool_calls: result.toolCalls.map((c) => ({ id: c.id, name: c.name, args: parseArgs(c.arguments), type: 'tool_call' as const })),
      usage_metadata: usageMetadata(result.usage),
      response_metadata: { finish_reason: result.rawFinishReason, model_name: client.modelName },
    });
    return { generations: [{ text: result.text, message }], llmOutput: { tokenUsage: result.usage } };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const client = await this.client();
    for await (const chunk of client.stream(toChatMessages(messages), this.callOptions(options))) {
      const generation = toGenerationChunk(chunk);
      await runManager?.handleLLMNewToken(generation.text, undefined, undefined, undefined, undefined, { chunk: generation });
      yield generation;
    }
  }

  /** Passes chunks through while reporting text tokens to callbacks (for `invoke` with streaming). */
  private async *tapStream(chunks: AsyncIterable<ChatChunk>, runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatChunk> {
    for await (const chunk of chunks) {
      if (chunk.type === 'text') await runManager?.handleLLMNewToken(chunk.text);
      yield chunk;
    }
  }
}

/**
 * LangChain's `tool_choice`: a mode or tool name as a string, or an object in the shape of
 * OpenAI (`{ type: 'function', function: { name } }`), Anthropic (`{ type: 'tool', name }`,
 * `{ type: 'any' }`) or plain `{ name }`. An object of another shape is refused rather than
 * dropped, which would leave the model free to answer without the tool.
 */
function toToolChoice(choice: unknown): ChatCallOptions['toolChoice'] {
  if (choice === undefined || choice === null) return undefined;
  const mode = (s: string) => (s === 'any' ? 'required' : s === 'auto' || s === 'none' || s === 'required' ? s : undefined);
  if (typeof choice === 'string') return mode(choice) ?? { name: choice };
  if (typeof choice === 'object') {
    const c = choice as { type?: unknown; name?: unknown; function?: { name?: unknown } };
    const name = c.type === 'function' ? c.function?.name : c.type === 'tool' || c.type === undefined ? c.name : undefined;
    if (typeof name === 'string' && name !== '') return { name };
    if (typeof c.type === 'string' && c.name === undefined && c.function === undefined) {
      const m = mode(c.type);
      if (m) return m;
    }
  }
  throw new OptionError(
    `tool_choice must be 'auto', 'none', 'required', 'any', a tool name or { type: 'function', function: { name } }, got ${JSON.stringify(choice)}`,
  );
}

function toGenerationChunk(chunk: ChatChunk): ChatGenerationChunk {
  if (chunk.type === 'text') return new ChatGenerationChunk({ text: chunk.text, message: new AIMessageChunk({ content: chunk.text }) });
  if (chunk.type === 'tool-call') {
    return new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({
        content: '',
        tool_call_chunks: [{ index: chunk.index, id: chunk.id, name: chunk.name, args: chunk.argumentsDelta, type: 'tool_call_chunk' }],
      }),
    });
  }
  return new ChatGenerationChunk({
    text: '',
    message: new AIMessageChunk({ content: '', usage_metadata: usageMetadata(chunk.usage), response_metadata: { finish_reason: chunk.rawFinishReason } }),
    generationInfo: { finish_reason: chunk.rawFinishReason },
  });
}

function usageMetadata(u: Usage) {
  if (u.inputTokens === undefined && u.outputTokens === undefined) return undefined;
  const input = u.inputTokens ?? 0;
  const output = u.outputTokens ?? 0;
  return { input_tokens: input, output_tokens: output, total_tokens: u.totalTokens ?? input + output };
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text || '{}');
    return v !== null && typeof v === 'object' ? v : { value: v };
  } catch {
    return { arguments: text };
  }
}

function toToolDefinition(tool: BindToolsInput): ToolDefinition {
  const t = convertToOpenAITool(tool as Parameters<typeof convertToOpenAITool>[0]);
  return {
    name: t.function.name,
    description: t.function.description,
    parameters: (t.function.parameters ?? { type: 'object', properties: {} }) as Record<string, unknown>,
  };
}

/** The text of a message; other parts (images, audio, files) are refused rather than silently left out of the question. */
function textOf(content: BaseMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw new NotSupportedError(`message content parts of type ${String(part.type)} are not supported (text only)`);
    })
    .join('');
}

function toChatMessages(messages: BaseMessage[]): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    const content = textOf(m.content);
    switch (m.type) {
      case 'system':
        return { role: 'system', content };
      case 'ai': {
        const calls = (m as AIMessage).tool_calls ?? [];
        return calls.length
          ? { role: 'assistant', content, toolCalls: calls.map((c, i) => ({ id: c.id ?? `call_${i}`, name: c.name, arguments: JSON.stringify(c.args ?? {}) })) }
          : { role: 'assistant', content };
      }
      case 'tool':
        return { role: 'tool', content, toolCallId: (m as unknown as { tool_call_id: string }).tool_call_id };
      default:
        return { role: 'user', content };
    }
  });
}

export type SingleStoreEmbeddingsFields = Partial<EmbeddingsFactoryOptions> &
  EmbeddingsParams & {
    /** A built-in client to wrap (otherwise one is made from the factory options on first use). */
    client?: EmbeddingsClient;
  };

/** LangChain.js embeddings for a SingleStore-hosted model, over the built-in client. */
export class SingleStoreEmbeddings extends Embeddings {
  private clientPromise: Promise<EmbeddingsClient> | undefined;
  readonly #fields: SingleStoreEmbeddingsFields;

  constructor(fields: SingleStoreEmbeddingsFields) {
    // retries happen in the built-in client; LangChain's caller would retry again on top
    super({ maxRetries: 0, ...withoutSecrets(fields) });
    this.#fields = fields;
    if (fields.client) this.clientPromise = Promise.resolve(fields.client);
  }

  client(): Promise<EmbeddingsClient> {
    if (!this.clientPromise) {
      this.clientPromise = embeddingsFactory({ ...this.#fields, modelName: this.#fields.modelName ?? '' });
      this.clientPromise.catch(() => (this.clientPromise = undefined));
    }
    return this.clientPromise;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const client = await this.client();
    return this.caller.call(() => client.embedDocuments(documents));
  }

  async embedQuery(document: string): Promise<number[]> {
    const client = await this.client();
    return this.caller.call(() => client.embedQuery(document));
  }
}

/**
 * The LangChain chat model for a model, with its endpoint resolved now (so a missing project,
 * token or model fails here, as the Python SDK's factory does).
 */
export async function createChatModel(options: ChatFactoryOptions & BaseChatModelParams & Omit<ChatSingleStoreFields, 'client'>): Promise<ChatSingleStore> {
  return new ChatSingleStore({ ...options, client: await chatFactory(options) });
}

/** LangChain embeddings for a model, with its endpoint resolved now. */
export async function createEmbeddings(options: EmbeddingsFactoryOptions & EmbeddingsParams): Promise<SingleStoreEmbeddings> {
  return new SingleStoreEmbeddings({ ...options, client: await embeddingsFactory(options) });
}
