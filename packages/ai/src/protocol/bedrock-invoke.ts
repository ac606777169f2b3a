import { InferenceError } from '../errors.js';
import { joinUrl, type Transport } from '../internal/transport.js';
import { bedrockEvents } from './eventstream.js';

/** The URL of a Bedrock Runtime operation on one model (model id URL-encoded, as the AWS SDK does). */
export function bedrockUrl(endpoint: string, modelId: string, operation: string): string {
  return joinUrl(endpoint, `model/${encodeURIComponent(modelId)}/${operation}`);
}

/** Calls InvokeModel on the proxy and returns the model's JSON reply. */
export async function invokeModel<T = unknown>(transport: Transport, endpoint: string, modelId: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return transport.postJson<T>(bedrockUrl(endpoint, modelId, 'invoke'), body, { signal });
}

/** Calls InvokeModelWithResponseStream and yields each `chunk` event's decoded JSON. */
export async function* invokeModelStream(
  transport: Transport,
  endpoint: string,
  modelId: string,
  body: unknown,
  signal?: AbortSignal,
): AsyncGenerator<unknown> {
  const url = bedrockUrl(endpoint, modelId, 'invoke-with-response-stream');
  const stream = await transport.postStream(url, body, { signal, accept: 'application/vnd.amazon.eventstream' });
  for await (const { type, data } of bedrockEvents(stream, url)) {
    if (type !== 'chunk') continue;
    const bytes = (data as { bytes?: string } | null)?.bytes;
    if (typeof bytes !== 'string') throw new InferenceError(`a chunk event from ${url} has no bytes`, { url, body: data });
    let bin: string;
    try {
      bin = atob(bytes);
    } catch (err) {
      // atob's DOMException is not an S2Error; what the endpoint sent is an InferenceError.
      throw new InferenceError(`a chunk event from ${url} has bytes that are not base64`, { url, body: data, cause: err });
    }
    const text = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    try {
      yield JSON.parse(text);
    } catch (err) {
      throw new InferenceError(`a chunk from ${url} is not JSON`, { url, body: text, cause: err });
    }
  }
}
