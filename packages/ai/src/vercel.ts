import {
  NoSuchModelError,
  type EmbeddingModelV3,
  type EmbeddingModelV3CallOptions,
  type EmbeddingModelV3Result,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3FinishReason,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3StreamResult,
  type LanguageModelV3Usage,
  type ProviderV3,
  type SharedV3Warning,
} from '@ai-sdk/provider';
import { BEDROCK_PLATFORM, chatFactory, embeddingsFactory, type ChatFactoryOptions, type EmbeddingsFactoryOptions } from './factory.js';
import type { ChatCallOptions, ChatClient, ChatMessage, EmbeddingsClient, FinishReason, Usage } from './types.js';

/** Options shared by every model of the provider: endpoint, tokens, transport (not the model name). */
export type SingleStoreProviderSettings = Omit<ChatFactoryOptions, 'modelName' | 'endpoint' | 'streaming'> &
  Pick<EmbeddingsFactoryOptions, 'maxInputTokens' | 'maxChunkChars' | 'tokenizer' | 'encodingFormat' | 'batchSize' | 'concurrency'>;

export interface SingleStoreProvider extends ProviderV3 {
  (modelId: string): LanguageModelV3;
  languageModel(modelId: string): LanguageModelV3;
  chat(modelId: string): LanguageModelV3;
  embeddingModel(modelId: string): EmbeddingModelV3;
  textEmbeddingModel(modelId: string): EmbeddingModelV3;
}

const PROVIDER = 'singlestore';

/** Resolves a client once, forgetting a failed attempt so the next call tries again. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = make();
      pending.catch(() => (pending = undefined));
    }
    return pending;
  };
}

/**
 * A Vercel AI SDK provider for SingleStore-hosted models: `generateText`/`streamText` with
 * tools over either protocol, and `embed`/`embedMany`. Each model's endpoint is resolved on its
 * first call (options, environment, then the management API).
 */
export function createSingleStore(settings: SingleStoreProviderSettings = {}): SingleStoreProvider {
  const languageModel = (modelId: string) =>
    new SingleStoreLanguageModel(
      modelId,
      lazy(() => chatFactory({ ...settings, modelName: modelId })),
    );
  const embeddingModel = (modelId: string) =>
    new SingleStoreEmbeddingModel(
      modelId,
      lazy(() => embeddingsFactory({ ...settings, modelName: modelId })),
    );
  const provider = ((modelId: string) => languageModel(modelId)) as unknown as SingleStoreProvider;
  Object.assign(provider, {
    specificationVersion: 'v3',
    languageModel,
    chat: languageModel,
    embeddingModel,
    textEmbeddingModel: embeddingModel,
    imageModel(modelId: string): never {
      throw new NoSuchModelError({ modelId, modelType: 'imageModel' });
    },
  });
  return provider;
}

class SingleStoreLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = PROVIDER;
  readonly supportedUrls = {};

  constructor(
    readonly modelId: string,
    private readonly client: () => Promise<ChatClient>,
  ) {}

  private prepare(options: LanguageModelV3CallOptions, client: ChatClient): { messages: ChatMessage[]; call: ChatCallOptions; warnings: SharedV3Warning[] } {
    const warnings: SharedV3Warning[] = [];
    for (const [feature, value] of [
      ['topK', options.topK],
      ['presencePenalty', options.presencePenalty],
      ['frequencyPenalty', options.frequencyPenalty],
      ['seed', options.seed],
    ] as const) {
      if (value !== undefined) warnings.push({ type: 'unsupported', feature });
    }
    const call: ChatCallOptions = { signal: options.abortSignal };
    const format = options.responseFormat;
    if (format?.type === 'json') {
      if (client.hostingPlatform === BEDROCK_PLATFORM)
        warnings.push({ type: 'unsupported', feature: 'responseFormat', details: 'Bedrock Converse has no JSON mode; ask for JSON in the prompt' });
      else call.responseFormat = { type: 'json', schema: format.schema as Record<string, unknown> | undefined, name: format.name };
    }
    if (options.temperature !== undefined) call.temperature = options.temperature;
    if (options.maxOutputTokens !== undefined) call.maxTokens = options.maxOutputTokens;
    if (options.topP !== undefined) call.topP = options.topP;
    if (options.stopSequences?.length) call.stop = options.stopSequences;
    const tools = (options.tools ?? []).flatMap((t) => {
      if (t.type === 'function') return [{ name: t.name, description: t.description, parameters: t.inputSchema as Record<string, unknown> }];
      warnings.push({ type: 'unsupported', feature: `provider tool ${t.name}` });
      return [];
    });
    if (tools.length) {
      call.tools = tools;
      const choice = options.toolChoice;
      if (choice) call.toolChoice = choice.type === 'tool' ? { name: choice.toolName } : choice.type;
    }
    return { messages: toChatMessages(options.prompt, warnings), call, warnings };
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const client = await this.client();
    const { messages, call, warnings } = this.prepare(options, client);
    const r = await client.chat(messages, call);
    const content: LanguageModelV3Content[] = [];
    if (r.text) content.push({ type: 'text', text: r.text });
    for (const c of r.toolCalls) content.push({ type: 'tool-call', toolCallId: c.id, toolName: c.name, input: c.arguments || '{}' });
    return {
      content,
      finishReason: finish(r.finishReason, r.rawFinishReason),
      usage: usage(r.usage),
      warnings,
      response: { id: r.id, modelId: this.modelId, body: r.raw },
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const client = await this.client();
    const { messages, call, warnings } = this.prepare(options, client);
    // Cancelling the stream must stop the request at once: the iterator's return() would only
    // run after the pending read, i.e. after the model's next chunk.
    const abort = new AbortController();
    call.signal = options.abortSignal ? AbortSignal.any([options.abortSignal, abort.signal]) : abort.signal;
    const chunks = client.stream(messages, call)[Symbol.asyncIterator]();
    // Start the request now so HTTP errors reject doStream itself, as the AI SDK expects.
    const first = await chunks.next();
    let cancelled = false;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async start(controller) {
        controller.enqueue({ type: 'stream-start', warnings });
        let textOpen = false;
        const tools = new Map<number, { id: string; name: string; input: string }>();
        try {
          for (let step = first; !step.done && !cancelled; step = await chunks.next()) {
            const c = step.value;
            if (c.type === 'text') {
              if (!textOpen) controller.enqueue({ type: 'text-start', id: 'text-0' });
              textOpen = true;
              controller.enqueue({ type: 'text-delta', id: 'text-0', delta: c.text });
            } else if (c.type === 'tool-call') {
              let t = tools.get(c.index);
              if (!t) {
                t = { id: c.id ?? `call-${c.index}`, name: c.name ?? '', input: '' };
                tools.set(c.index, t);
                controller.enqueue({ type: 'tool-input-start', id: t.id, toolName: t.name });
              }
              if (c.argumentsDelta) {
                t.input += c.argumentsDelta;
                controller.enqueue({ type: 'tool-input-delta', id: t.id, delta: c.argumentsDelta });
              }
            } else {
              if (textOpen) controller.enqueue({ type: 'text-end', id: 'text-0' });
              for (const t of tools.values()) {
                controller.enqueue({ type: 'tool-input-end', id: t.id });
                controller.enqueue({ type: 'tool-call', toolCallId: t.id, toolName: t.name, input: t.input || '{}' });
              }
              controller.enqueue({ type: 'finish', finishReason: finish(c.finishReason, c.rawFinishReason), usage: usage(c.usage) });
            }
          }
        } catch (error) {
          // After cancel() the read fails with the abort; the stream is closed, nobody is reading.
          if (!cancelled) controller.enqueue({ type: 'error', error });
        }
        if (cancelled) await chunks.return?.();
        else controller.close();
      },
      cancel(reason) {
        cancelled = true;
        abort.abort(reason);
      },
    });
    return { stream };
  }
}

class SingleStoreEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider = PROVIDER;
  /** The client batches and chunks by itself, so the AI SDK need not split calls. */
  readonly maxEmbeddingsPerCall = Infinity;
  readonly supportsParallelCalls = true;

  constructor(
    readonly modelId: string,
    private readonly client: () => Promise<EmbeddingsClient>,
  ) {}

  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const embeddings = await (await this.client()).embedDocuments(options.values, { signal: options.abortSignal });
    return { embeddings, warnings: [] };
  }
}

function toChatMessages(prompt: LanguageModelV3Prompt, warnings: SharedV3Warning[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const textOf = (parts: ReadonlyArray<{ type: string; text?: string }>) => {
    if (parts.some((p) => p.type === 'file')) warnings.push({ type: 'unsupported', feature: 'file parts' });
    return parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
  };
  for (const m of prompt) {
    if (m.role === 'system') out.push({ role: 'system', content: m.content });
    else if (m.role === 'user') out.push({ role: 'user', content: textOf(m.content) });
    else if (m.role === 'assistant') {
      const calls = m.content.filter((p) => p.type === 'tool-call');
      const content = textOf(m.content);
      out.push(
        calls.length
          ? {
              role: 'assistant',
              content,
              toolCalls: calls.map((c) => ({ id: c.toolCallId, name: c.toolName, arguments: typeof c.input === 'string' ? c.input : JSON.stringify(c.input) })),
            }
          : { role: 'assistant', content },
      );
    } else {
      for (const part of m.content) {
        if (part.type !== 'tool-result') continue;
        const o = part.output;
        const text =
          o.type === 'text' || o.type === 'error-text'
            ? o.value
            : o.type === 'json' || o.type === 'error-json'
              ? JSON.stringify(o.value)
              : o.type === 'execution-denied'
                ? `denied${o.reason ? `: ${o.reason}` : ''}`
                : JSON.stringify(o);
        out.push({ role: 'tool', content: text, toolCallId: part.toolCallId });
      }
    }
  }
  return out;
}

function finish(reason: FinishReason, raw: string | undefined): LanguageModelV3FinishReason {
  return { unified: reason, raw };
}

function usage(u: Usage): LanguageModelV3Usage {
  return {
    inputTokens: { total: u.inputTokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: u.outputTokens, text: u.outputTokens, reasoning: undefined },
  };
}
