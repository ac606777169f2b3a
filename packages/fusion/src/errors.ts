import { OperationalError, ProgrammingError } from '@s2/base';

/**
 * Fusion errors, in the one s2 hierarchy. The SingleStoreDB Python SDK (singlestoredb 1.18.1) raises plain
 * Python ValueError, KeyError and OSError out of `cursor.execute`; here each has a typed class.
 */

/** A grammar that cannot be compiled (a mistake of the handler's author). */
export class FusionGrammarError extends ProgrammingError {
  static override readonly kind: string = 'FusionGrammarError';
}

/** A statement that starts like a Fusion command but does not parse; the message shows the syntax. */
export class FusionSyntaxError extends ProgrammingError {
  static override readonly kind: string = 'FusionSyntaxError';
}

/** The target of a command (workspace, cluster, job, region, column...) does not exist: the Python SDK's KeyError. */
export class FusionNotFoundError extends ProgrammingError {
  static override readonly kind: string = 'FusionNotFoundError';
}

/** An invalid or ambiguous value: the Python SDK's ValueError. */
export class FusionValueError extends ProgrammingError {
  static override readonly kind: string = 'FusionValueError';
}

/** A file or folder conflict (exists, not empty, missing): the Python SDK's OSError. */
export class FusionFileError extends OperationalError {
  static override readonly kind: string = 'FusionFileError';
}

/** A short description of a value of the wrong type, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : typeof v;
}
