import { NotSupportedError, type DatabaseConnection } from '@s2/base';

/** Options of `connect()` of @s2/core (`connectTimeout`, `resultsType`…), and which endpoint to use. */
export interface ServerConnectOptions {
  /** Connect over the Data API (HTTP) instead of the MySQL protocol. */
  useDataApi?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: with unknown, a value typed as core's ConnectOptions (an interface, so without an index signature) would be refused
  [option: string]: any;
}

type CoreModule = { connect: (url: string, options?: Record<string, unknown>) => Promise<DatabaseConnection> };

// Set by the build for the CommonJS output: there @s2/core is loaded with require(), so that a
// CommonJS app's connection shares its copy of @s2/core and @s2/base (and so its options.set()
// and withOptions()); import() would load the ESM copies, with an options registry of their own.
declare const __S2_CJS__: boolean | undefined;
const cjs = typeof __S2_CJS__ !== 'undefined' && __S2_CJS__;

/**
 * @s2/core is an optional peer: a user who only wants a container's URL need not install a
 * database client. Loaded on first use, with an error that says what to install.
 */
export async function loadCore(): Promise<CoreModule> {
  try {
    return (cjs ? require('@s2/core') : await import('@s2/core')) as CoreModule;
  } catch (err) {
    throw new NotSupportedError("connecting needs the '@s2/core' package (and a transport such as '@s2/wire'): npm install @s2/core @s2/wire", {
      cause: err,
    });
  }
}
