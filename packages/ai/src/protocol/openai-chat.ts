import { InferenceError } from '../errors.js';
import { NO_USAGE } from '../internal/assemble.js';
import { joinUrl, type Transport } from '../internal/transport.js';
import { checkMessages } from '../internal/check-input.js';
import { replyObject } from '../internal/check-reply.js';
import { ChatBase } from './chat-base.js';
import type { ChatCallOptions, ChatChunk, ChatMessage, ChatResult, FinishReason, ToolCall, Usage } from '../types.js';
import { parseSseJson, sseErrorEvent, sseEvents } from './sse.js';

interface OpenAiToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface OpenAiCompletion {
  id?: string;
  choices?: Array<{ message?: { content?: string | null; tool_calls?: Array<OpenAiToolCall | null> } | null; finish_reason?: string | null } | null>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
}

interface OpenAiChunk {
  choices?: Array<{ delta?: { content?: string | null; tool_calls?: Array<OpenAiToolCall | null> } | null; finish_reason?: string | null } | null>;
  usage?: OpenAiCompletion['usage'];
}

/** Chat over the OpenAI-compatible Chat Completions route (`POST <endpoint>/chat/completions`). */
export class OpenAiChat extends ChatBase {
  constructor(
    transport: Transport,
    endpoint: string,
    modelName: string,
    hostingPlatform: string,
    streaming: boolean,
    /** Whether streams ask for a final usage chunk (`stream_options: { include_usage: true }`); the factory's `streamUsage` option. */
    readonly streamUsage = false,
  ) {
    super(transport, endpoint, modelName, hostingPlatform, streaming);
  }

  private get url(): string {
    return joinUrl(this.endpoint, 'chat/completions');
  }

  async chat(messages: ChatMessage[], options: ChatCallOptions = {}): Promise<ChatResult> {
    checkMessages(messages);
    const url = this.url;
    const reply = replyObject<OpenAiCompletion>(await this.transport.postJson(url, this.body(messages, options, false), { signal: options.signal }), url);
    const choice = reply.choices?.[0];
    if (!choice) throw new InferenceError(`${url} sent a completion without choices`, { url, body: reply });
    const toolCalls: ToolCall[] = toolCallList(choice.message?.tool_calls, url, reply).map((c) => ({
      id: c.id ?? '',
      name: c.function?.name ?? '',
      arguments: c.function?.arguments ?? '',
    }));
    return {
      text: choice.message?.content ?? '',
      toolCalls,
      finishReason: finishReason(choice.finish_reason),
      rawFinishReason: choice.finish_reason ?? undefined,
      usage: usage(reply.usage),
      id: reply.id,
      raw: reply,
    };
  }

  async *stream(messages: ChatMessage[], options: ChatCallOptions = {}): AsyncGenerator<ChatChunk> {
    checkMessages(messages);
    const url = this.url;
    const body = await this.transport.postStream(url, this.body(messages, options, true), { signal: options.signal, accept: 'text/event-stream' });
    let finish: string | null | undefined;
    let used: Usage = NO_USAGE;
    let terminated = false;
    for await (const { event, data } of sseEvents(body, url)) {
      if (event === 'error') throw sseErrorEvent(data, url);
      if (data === '[DONE]') {
        terminated = true;
        break;
      }
      if (data === '') continue;
      const chunk = replyObject<OpenAiChunk>(parseSseJson(data, url), url, 'stream event');
      if (chunk.usage) used = usage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.delta?.content) yield { type: 'text', text: choice.delta.content };
      for (const call of toolCallList(choice.delta?.tool_calls, url, chunk)) {
        yield { type: 'tool-call', index: call.index ?? 0, id: call.id, name: call.function?.name, argumentsDelta: call.function?.arguments ?? '' };
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // A body that closes before either end marker is a cut connection or a crashed server, not
    // a short answer. A finish_reason alone is enough: some OpenAI-compatible servers omit [DONE].
    if (!terminated && !finish) {
      throw new InferenceError(`the event stream from ${url} ended early: neither a finish_reason nor [DONE] arrived, so the reply is incomplete`, {
        url,
      });
    }
    yield { type: 'finish', finishReason: finishReason(finish), rawFinishReason: finish ?? undefined, usage: used };
  }

  private body(messages: ChatMessage[], o: ChatCallOptions, stream: boolean): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.modelName, messages: messages.map(toOpenAiMessage), stream };
    // Off by default, as the reference's ChatOpenAI with a base_url: servers that refuse unknown fields answer 400.
    if (stream && this.streamUsage) body.stream_options = { include_usage: true };
    if (o.temperature !== undefined) body.temperature = o.temperature;
    // langchain-openai 1.x sends the limit under this name (`max_tokens` is deprecated by OpenAI).
    if (o.maxTokens !== undefined) body.max_completion_tokens = o.maxTokens;
    if (o.topP !== undefined) body.top_p = o.topP;
    if (o.stop?.length) body.stop = o.stop;
    if (o.responseFormat) {
      const { schema, name } = o.responseFormat;
      body.response_format = schema ? { type: 'json_schema', json_schema: { name: name ?? 'response', schema } } : { type: 'json_object' };
    }
    if (o.tools?.length) {
      body.tools = o.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
      if (o.toolChoice) body.tool_choice = typeof o.toolChoice === 'string' ? o.toolChoice : { type: 'function', function: { name: o.toolChoice.name } };
    }
    return { ...body, ...o.extraBody };
  }
}

/** A reply's tool calls: each an object (a `null` in the list is the endpoint's error, not a TypeError here). */
function toolCallList(calls: Array<OpenAiToolCall | null> | undefined, url: string, body: unknown): OpenAiToolCall[] {
  for (const c of calls ?? []) if (typeof c !== 'object' || c === null) throw new InferenceError(`${url} sent a tool call that is ${String(c)}`, { url, body });
  return (calls ?? []) as OpenAiToolCall[];
}

function toOpenAiMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId };
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return {
      role: 'assistant',
      content: m.content || null,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    };
  }
  return { role: m.role, content: m.content };
}

function finishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

function usage(u: OpenAiCompletion['usage']): Usage {
  if (!u) return NO_USAGE;
  return { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, totalTokens: u.total_tokens };
}
