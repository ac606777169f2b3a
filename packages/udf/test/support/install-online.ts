/**
 * Installs packed s2 packages into a fresh app with plain npm, fetching their third-party
 * dependencies (fastify, apache-arrow) from the registry. The offline installer of the
 * vectorstore tests cannot do that: those packages need nothing outside s2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { skipUnless, type SkipKind } from '@s2/testing/vitest';
import { packInstallUnavailable } from '../../../vectorstore/test/support/pack-install.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, maxBuffer: 64 << 20, timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Why the check cannot run here (no npm/pnpm, or no registry), or null. */
export function onlineInstallUnavailable(): string | null {
  return onlineInstallBlocker()?.reason ?? null;
}

function onlineInstallBlocker(): { reason: string; kind: SkipKind } | null {
  const tools = packInstallUnavailable();
  if (tools) return { reason: tools, kind: 'missing-tool' };
  const ping = spawnSync('npm', ['ping', '--loglevel=error'], { encoding: 'utf8', timeout: 30_000 });
  // No route to the registry is the machine's network, not a tool CI forgot to install.
  return ping.status === 0
    ? null
    : { reason: `the npm registry is not reachable (npm ping: ${(ping.stderr || ping.stdout).trim().split('\n')[0]})`, kind: 'platform' };
}

/** describe() options for an online install-closure check: skips visibly, with the right kind. */
export function onlineInstallGate(what: string): ReturnType<typeof skipUnless> {
  const blocker = onlineInstallBlocker();
  return skipUnless(blocker && `${what} install-closure check: ${blocker.reason}`, blocker?.kind);
}

export interface OnlineApp {
  dir: string;
  /** Every installed package as `name`, sorted, nested ones included. */
  packages: string[];
  /** Native addons (`*.node`) anywhere in node_modules. */
  addons: string[];
  /** Writes `source` to `file` in the app, runs it with node and returns stdout. */
  runProgram(file: string, source: string): string;
}

/** For a describe block: builds `build` (the package under test), packs `packages` (directory names), installs them. */
export function useOnlineApp(packages: string[], build: string[]): () => OnlineApp {
  let work = '';
  let app: OnlineApp | undefined;
  beforeAll(() => {
    // The others too when they have never been built (a fresh checkout): a tarball without dist is empty.
    const toBuild = new Set([...build, ...packages.filter((p) => !existsSync(join(ROOT, 'packages', p, 'dist/index.js')))]);
    run('pnpm', ['-s', ...[...toBuild].flatMap((p) => ['--filter', `@s2/${p}`]), 'run', 'build'], ROOT);
    work = mkdtempSync(join(tmpdir(), 's2-install-online-'));
    const tarballs = join(work, 'tarballs');
    const dir = join(work, 'app');
    mkdirSync(tarballs);
    mkdirSync(dir);
    for (const p of packages) run('pnpm', ['pack', '--pack-destination', tarballs], join(ROOT, 'packages', p));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'install-online-app', private: true, version: '0.0.0' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...readdirSync(tarballs).map((f) => join(tarballs, f))], dir);
    const tree = JSON.parse(run('npm', ['ls', '--all', '--json'], dir)) as { dependencies?: Record<string, unknown> };
    const names = new Set<string>();
    const visit = (deps: Record<string, unknown> | undefined) => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        names.add(name);
        visit((node as { dependencies?: Record<string, unknown> }).dependencies);
      }
    };
    visit(tree.dependencies);
    const addons = (readdirSync(join(dir, 'node_modules'), { recursive: true }) as string[]).filter((f) => f.endsWith('.node'));
    app = {
      dir,
      packages: [...names].sort(),
      addons,
      runProgram(file, source) {
        writeFileSync(join(dir, file), source);
        return run(process.execPath, [file], dir);
      },
    };
    console.log(`installed with npm: ${app.packages.join(', ')}`);
  }, 300_000);
  afterAll(() => {
    if (work && process.env.S2_KEEP_CLOSURE !== '1') rmSync(work, { recursive: true, force: true });
  });
  return () => app!;
}
