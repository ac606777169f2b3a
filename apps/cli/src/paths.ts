import { resolve } from 'node:path';

/**
 * The directory the user typed the command in. `pnpm --filter @s2/cli start …` runs the CLI in
 * apps/cli, and the package manager records where it was invoked in INIT_CWD. That variable is
 * only trusted for this package's own `start` script: it is inherited by everything a script
 * starts, and a user's script such as `"serve": "s2 udf serve ./functions.ts"` writes its paths
 * relative to its package directory, which is the current directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  const viaStartScript = env.npm_lifecycle_event === 'start' && env.npm_package_name === '@s2/cli';
  return viaStartScript && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A file or directory named on the command line (or in an environment variable), made absolute. */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(invocationDir(env), path);
}
