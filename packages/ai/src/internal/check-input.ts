import { OptionError } from '@s2/base';
import type { ChatMessage } from '../types.js';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** The texts of an embeddings call: a list of strings (a lone string would be embedded per character). */
export function checkTexts(texts: unknown): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new OptionError(`texts must be a list of strings, got ${kindOf(texts)}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new OptionError(`texts[${i}] must be a string, got ${kindOf(t)}`);
  });
}

/** The messages of a chat call: a list of `{ role, content }` with a known role and text content. */
export function checkMessages(messages: unknown): asserts messages is ChatMessage[] {
  if (!Array.isArray(messages)) throw new OptionError(`messages must be a list of { role, content } objects, got ${kindOf(messages)}`);
  messages.forEach((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) throw new OptionError(`messages[${i}] must be an object, got ${kindOf(m)}`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) throw new OptionError(`messages[${i}].role must be one of ${[...ROLES].join(', ')}, got ${String(role)}`);
    if (typeof content !== 'string') throw new OptionError(`messages[${i}].content must be a string, got ${kindOf(content)}`);
  });
}
