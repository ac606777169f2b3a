import { NotSupportedError } from '@s2/base';

/**
 * A feature needs an s2 package that is not installed (a transport, the accelerator). The
 * message names the package and the install command; `packageName` carries it for programs.
 */
export class MissingPackageError extends NotSupportedError {
  static override readonly kind: string = 'MissingPackageError';
  constructor(
    readonly packageName: string,
    what: string,
    cause?: unknown,
  ) {
    super(`${what} needs the package ${packageName}, which is not installed: npm install ${packageName}`, { cause });
  }
}

/** True when `err` says that `specifier` itself (not something it imports) could not be found. */
export function isMissingModule(err: unknown, specifier: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e || typeof e.message !== 'string') return false;
  const notFound =
    e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Failed to (load|resolve)/i.test(e.message);
  return notFound && (e.message.includes(`'${specifier}'`) || e.message.includes(`"${specifier}"`));
}
