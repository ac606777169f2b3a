/** Environment variables, read without `node:` imports so the root entry stays runtime-neutral. */
export type Env = Readonly<Record<string, string | undefined>>;

export function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}
