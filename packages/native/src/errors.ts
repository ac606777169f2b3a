import { DataError, DecodeError, InterfaceError, OperationalError, malformedPacket } from '@s2/base';

/**
 * The addon tags its errors (`S2_MALFORMED: …`); this turns them into the SDK's classes so a
 * caller cannot tell which path produced an error.
 */
export function fromNativeError(err: unknown, context: 'packets' | 'payload' = 'payload'): Error {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^(S2_[A-Z]+): ([\s\S]*)$/.exec(message);
  if (!m) return err instanceof Error ? err : new InterfaceError(message);
  const [, tag, text] = m;
  switch (tag) {
    case 'S2_MALFORMED':
      return context === 'packets' ? malformedPacket(text) : new DataError(text);
    case 'S2_ENCODING':
      return new DecodeError(text);
    case 'S2_DATA':
      return new DataError(text);
    case 'S2_IO':
      return new OperationalError(text);
    default:
      return new InterfaceError(text, { cause: err });
  }
}
