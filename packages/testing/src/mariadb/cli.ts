import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OperationalError } from '@s2/base';

const run = promisify(execFile);

/** Runs SQL through the `mariadb` command-line client over a Unix socket (setup only). */
export async function mariadbCli(socketPath: string, sql: string, opts: { user?: string; password?: string; database?: string } = {}): Promise<string> {
  const args = [
    '--no-defaults',
    `--socket=${socketPath}`,
    `--user=${opts.user ?? 'root'}`,
    '--batch',
    '--skip-column-names',
    '--default-character-set=utf8mb4',
  ];
  if (opts.password) args.push(`--password=${opts.password}`);
  if (opts.database) args.push(`--database=${opts.database}`);
  args.push('-e', sql);
  try {
    const { stdout } = await run('mariadb', args, { maxBuffer: 64 << 20 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim() || (err as Error).message.split('\n')[0];
    throw new OperationalError(`mariadb client failed: ${stderr}`, { cause: err });
  }
}
