import { fromNativeError } from '../errors.js';

/** Errors the addon raised about a batch's bytes (not those of a callback run on its columns). */
const rejections = new WeakSet<object>();

/** The addon's error for a batch, as the SDK's class, remembered as the addon's rejection. */
export function addonRejection(err: unknown): Error {
  const e = fromNativeError(err, 'packets');
  rejections.add(e);
  return e;
}

/**
 * Whether the addon itself rejected the batch. It stops at the first fault it meets and words
 * it its own way (a truncated row found before invalid UTF-8 in an earlier one is a malformed
 * packet, which also ends the session): the caller then asks the TypeScript decoder, whose
 * verdict on the same packets is the one both paths give.
 */
export const isAddonRejection = (err: unknown): boolean => typeof err === 'object' && err !== null && rejections.has(err);
