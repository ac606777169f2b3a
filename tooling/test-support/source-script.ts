import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs a TypeScript file in a fresh Node process with the workspace packages resolved to their
 * sources (as vitest does): for what only a new process shows (module loading, peak RSS). For
 * this repository's own tests: it needs tsx and the sources, so @s2/testing does not ship it.
 */
export async function runSourceScript(script: URL, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', fileURLToPath(script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr };
}
