import { crc32 } from 'node:zlib';

/**
 * One AWS event-stream message with string headers (value type 7): total length, headers
 * length, prelude CRC, headers, payload, message CRC; all big-endian.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = enc.encode(name);
    const v = enc.encode(value);
    parts.push(n.length, ...n, 7, v.length >> 8, v.length & 0xff, ...v);
  }
  const headerBytes = Uint8Array.from(parts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.length);
  view.setUint32(8, crc32(out.subarray(0, 8)));
  out.set(headerBytes, 12);
  out.set(payload, 12 + headerBytes.length);
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)));
  return out;
}

/** A Bedrock `event` message carrying `data` as JSON. */
export function bedrockEvent(eventType: string, data: unknown): Uint8Array {
  return encodeEventStreamMessage(
    { ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' },
    new TextEncoder().encode(JSON.stringify(data)),
  );
}

/** A Bedrock `exception` message (how the service reports errors inside a stream). */
export function bedrockException(exceptionType: string, message: string): Uint8Array {
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' },
    new TextEncoder().encode(JSON.stringify({ message })),
  );
}
