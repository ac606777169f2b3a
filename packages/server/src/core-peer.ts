import { NotSupportedError } from '@s2/base';

export type CoreModule = typeof import('@s2/core');
export type CoreConnection = Awaited<ReturnType<CoreModule['connect']>>;

/**
 * @s2/core is an optional peer: a user who only wants a container's URL need not install a
 * database client. Loaded on first use, with an error that says what to install.
 */
export async function loadCore(): Promise<CoreModule> {
  try {
    return await import('@s2/core');
  } catch (err) {
    throw new NotSupportedError("connecting needs the '@s2/core' package (and a transport such as '@s2/wire'): npm install @s2/core @s2/wire", {
      cause: err,
    });
  }
}
