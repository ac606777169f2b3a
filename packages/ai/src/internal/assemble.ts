import type { ChatChunk, ChatResult, FinishReason, ToolCall, Usage } from '../types.js';

export const NO_USAGE: Usage = { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined };

/** Folds streamed chunks into the result a non-streaming call would have given. */
export async function assembleChat(chunks: AsyncIterable<ChatChunk>): Promise<ChatResult> {
  let text = '';
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  let finishReason: FinishReason = 'other';
  let rawFinishReason: string | undefined;
  let usage = NO_USAGE;
  for await (const chunk of chunks) {
    if (chunk.type === 'text') text += chunk.text;
    else if (chunk.type === 'tool-call') {
      const call = (calls[chunk.index] ??= { id: '', name: '', arguments: '' });
      if (chunk.id) call.id = chunk.id;
      if (chunk.name) call.name += chunk.name;
      call.arguments += chunk.argumentsDelta;
    } else {
      finishReason = chunk.finishReason;
      rawFinishReason = chunk.rawFinishReason;
      usage = chunk.usage;
    }
  }
  const toolCalls: ToolCall[] = calls.filter(Boolean);
  return { text, toolCalls, finishReason, rawFinishReason, usage, id: undefined, raw: undefined };
}
