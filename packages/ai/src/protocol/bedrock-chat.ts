import { NotSupportedError } from '@s2/base';
import { InferenceError } from '../errors.js';
import { NO_USAGE } from '../internal/assemble.js';
import { checkMessages } from '../internal/check-input.js';
import { replyObject } from '../internal/check-reply.js';
import { ChatBase } from './chat-base.js';
import type { ChatCallOptions, ChatChunk, ChatMessage, ChatResult, FinishReason, ToolCall, Usage } from '../types.js';
import { bedrockUrl, invokeModel, invokeModelStream } from './bedrock-invoke.js';
import { bedrockEvents } from './eventstream.js';

type ContentBlock = { text?: string; toolUse?: { toolUseId: string; name: string; input: unknown }; toolResult?: unknown };

interface ConverseReply {
  output?: { message?: { role?: string; content?: ContentBlock[] } };
  stopReason?: string;
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
}

/** Chat over the Bedrock Runtime Converse and ConverseStream routes of the SingleStore proxy. */
export class BedrockChat extends ChatBase {
  async chat(messages: ChatMessage[], options: ChatCallOptions = {}): Promise<ChatResult> {
    checkMessages(messages);
    const url = bedrockUrl(this.endpoint, this.modelName, 'converse');
    const reply = replyObject<ConverseReply>(await this.transport.postJson(url, converseBody(messages, options), { signal: options.signal }), url);
    const content = reply.output?.message?.content;
    if (!Array.isArray(content) || content.some((b) => typeof b !== 'object' || b === null)) {
      throw new InferenceError(`${url} sent a reply without a list of content blocks in output.message.content`, { url, body: reply });
    }
    const toolCalls: ToolCall[] = content
      .filter((b) => b.toolUse)
      .map((b) => ({ id: b.toolUse!.toolUseId, name: b.toolUse!.name, arguments: JSON.stringify(b.toolUse!.input ?? {}) }));
    return {
      text: content.map((b) => b.text ?? '').join(''),
      toolCalls,
      finishReason: stopReason(reply.stopReason),
      rawFinishReason: reply.stopReason,
      usage: usage(reply.usage),
      id: undefined,
      raw: reply,
    };
  }

  async *stream(messages: ChatMessage[], options: ChatCallOptions = {}): AsyncGenerator<ChatChunk> {
    checkMessages(messages);
    const url = bedrockUrl(this.endpoint, this.modelName, 'converse-stream');
    const body = await this.transport.postStream(url, converseBody(messages, options), {
      signal: options.signal,
      accept: 'application/vnd.amazon.eventstream',
    });
    let stop: string | undefined;
    let stopped = false;
    let used = NO_USAGE;
    // Bedrock numbers content blocks across text and tool use; tool calls are numbered on their own.
    const toolIndex = new Map<number, number>();
    for await (const { type, data } of bedrockEvents(body, url)) {
      const d = (data ?? {}) as Record<string, any>;
      if (type === 'contentBlockStart' && d.start?.toolUse) {
        const index = toolIndex.size;
        toolIndex.set(d.contentBlockIndex ?? 0, index);
        yield { type: 'tool-call', index, id: d.start.toolUse.toolUseId, name: d.start.toolUse.name, argumentsDelta: '' };
      } else if (type === 'contentBlockDelta') {
        if (typeof d.delta?.text === 'string') yield { type: 'text', text: d.delta.text };
        else if (d.delta?.toolUse) {
          yield { type: 'tool-call', index: toolIndex.get(d.contentBlockIndex ?? 0) ?? 0, argumentsDelta: String(d.delta.toolUse.input ?? '') };
        }
      } else if (type === 'messageStop') {
        stopped = true;
        stop = d.stopReason;
      } else if (type === 'metadata') used = usage(d.usage);
    }
    // ConverseStream always ends a reply with messageStop; a body that closes before it was cut off.
    if (!stopped) throw new InferenceError(`the event stream from ${url} ended early: no messageStop arrived, so the reply is incomplete`, { url });
    yield { type: 'finish', finishReason: stopReason(stop), rawFinishReason: stop, usage: used };
  }

  /** InvokeModel with a model-specific request body; returns the model's JSON reply. */
  invoke<T = unknown>(body: unknown, options: { signal?: AbortSignal } = {}): Promise<T> {
    return invokeModel<T>(this.transport, this.endpoint, this.modelName, body, options.signal);
  }

  /** InvokeModelWithResponseStream: yields the JSON of each `chunk` event. */
  invokeStream(body: unknown, options: { signal?: AbortSignal } = {}): AsyncGenerator<unknown> {
    return invokeModelStream(this.transport, this.endpoint, this.modelName, body, options.signal);
  }
}

function converseBody(messages: ChatMessage[], o: ChatCallOptions): Record<string, unknown> {
  if (o.responseFormat) throw new NotSupportedError('the Bedrock Converse API has no JSON response format; use a tool (e.g. withStructuredOutput) instead');
  const system = messages.filter((m) => m.role === 'system').map((m) => ({ text: m.content }));
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlock[] }> = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks: ContentBlock[] = [];
    if (m.role === 'tool') blocks.push({ toolResult: { toolUseId: m.toolCallId, content: [{ text: m.content }] } });
    else if (m.content) blocks.push({ text: m.content });
    if (m.role === 'assistant') {
      for (const c of m.toolCalls ?? []) blocks.push({ toolUse: { toolUseId: c.id, name: c.name, input: parseArguments(c.arguments) } });
    }
    // Converse wants alternating roles, so consecutive turns of one role become one message.
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  const body: Record<string, unknown> = { messages: turns };
  if (system.length) body.system = system;
  const inference: Record<string, unknown> = {};
  if (o.maxTokens !== undefined) inference.maxTokens = o.maxTokens;
  if (o.temperature !== undefined) inference.temperature = o.temperature;
  if (o.topP !== undefined) inference.topP = o.topP;
  if (o.stop?.length) inference.stopSequences = o.stop;
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  if (o.tools?.length && o.toolChoice !== 'none') {
    const toolConfig: Record<string, unknown> = {
      tools: o.tools.map((t) => ({ toolSpec: { name: t.name, description: t.description, inputSchema: { json: t.parameters } } })),
    };
    if (o.toolChoice === 'required') toolConfig.toolChoice = { any: {} };
    else if (typeof o.toolChoice === 'object') toolConfig.toolChoice = { tool: { name: o.toolChoice.name } };
    body.toolConfig = toolConfig;
  }
  return { ...body, ...o.extraBody };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return { arguments: text };
  }
}

function stopReason(raw: string | undefined): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    default:
      return 'other';
  }
}

function usage(u: ConverseReply['usage']): Usage {
  if (!u) return NO_USAGE;
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens, totalTokens: u.totalTokens };
}
