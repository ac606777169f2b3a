import type { Transport } from '../internal/transport.js';
import type { ChatCallOptions, ChatChunk, ChatClient, ChatMessage, ChatResult } from '../types.js';

/** What every protocol's chat client holds: the transport and where and what it talks to. */
export abstract class ChatBase implements ChatClient {
  constructor(
    protected readonly transport: Transport,
    readonly endpoint: string,
    readonly modelName: string,
    readonly hostingPlatform: string,
    readonly streaming: boolean,
  ) {}

  abstract chat(messages: ChatMessage[], options?: ChatCallOptions): Promise<ChatResult>;
  abstract stream(messages: ChatMessage[], options?: ChatCallOptions): AsyncIterable<ChatChunk>;
}
