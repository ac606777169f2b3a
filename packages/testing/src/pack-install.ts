/**
 * Installs s2 packages the way a user does: builds them, packs them as they would be published
 * (`pnpm pack`) and installs the tarballs with plain npm, offline, into a fresh app outside the
 * workspace. One helper for every install-closure check: the vitest suites (through
 * `useInstalledApp`), the management and fusion scripts and `pnpm check:install-closure`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

/** The workspace root (this file is packages/testing/src/pack-install.ts, or its build in dist/). */
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Why packing and installing cannot run here, or null when npm and pnpm are both on PATH. */
export function packInstallUnavailable(): string | null {
  for (const tool of ['npm', 'pnpm']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0) return `${tool} is not on PATH`;
  }
  return null;
}

/** Runs a command to completion and returns its stdout; a non-zero exit throws with both outputs. */
export function runTool(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  // pnpm points NODE_PATH at the workspace's store for what it runs; an app meant to stand alone must not see it.
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '', ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Files below `dir` (recursively) whose name passes `pred`; none when `dir` does not exist. */
export function filesUnder(dir: string, pred: (name: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, pred, out);
    else if (pred(name)) out.push(p);
  }
  return out;
}

/** Native addons (`*.node`) anywhere below `dir`. */
export function nativeAddons(dir: string): string[] {
  return filesUnder(dir, (n) => n.endsWith('.node'));
}

/** Every package in an app's node_modules (scoped and nested ones included) as `name@version`, sorted. */
export function installedPackages(appDir: string): string[] {
  const found: string[] = [];
  const walk = (nm: string) => {
    if (!existsSync(nm)) return;
    for (const name of readdirSync(nm)) {
      if (name.startsWith('.')) continue;
      const p = join(nm, name);
      if (name.startsWith('@')) walk(p);
      else if (existsSync(join(p, 'package.json'))) {
        const m = JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')) as { name: string; version: string };
        found.push(`${m.name}@${m.version}`);
        walk(join(p, 'node_modules'));
      }
    }
  };
  walk(join(appDir, 'node_modules'));
  return found.sort();
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

/** True when a workspace package has no build, or its sources changed after the build. */
export function needsBuild(pkg: string): boolean {
  const dir = join(WORKSPACE_ROOT, 'packages', pkg);
  const built = join(dir, 'dist/index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(newestMtime(join(dir, 'src')), newestMtime(join(dir, 'package.json')), newestMtime(join(dir, 'tsup.config.ts')));
  return sources > statSync(built).mtimeMs;
}

const LOCK_STALE_MS = 600_000;

/**
 * Runs `fn` while holding a machine-wide lock: closure checks run in parallel (vitest workers,
 * scripts), and a build (tsup cleans dist/ first) must not overlap another build or a pack.
 */
export function withBuildLock<T>(fn: () => T): T {
  const lock = join(tmpdir(), 's2-pack-install-build.lock');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A holder that died leaves the folder behind; no build takes this long.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(pause, 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds `always`, and every other package of `packages` that has no up-to-date build (short names: 'core'). */
export function buildPackages(packages: string[], always: string[] = []): void {
  const toBuild = [...new Set([...always, ...packages.filter(needsBuild)])];
  if (toBuild.length === 0) return;
  runTool('pnpm', ['-s', ...toBuild.flatMap((p) => ['--filter', `@s2/${p}`]), 'run', 'build'], WORKSPACE_ROOT);
}

/** Packs workspace packages into `tarDir`; returns each tarball's path by short name. */
export function packPackages(packages: string[], tarDir: string): Record<string, string> {
  mkdirSync(tarDir, { recursive: true });
  const out: Record<string, string> = {};
  for (const p of packages) {
    // pnpm pack prints the tarball's path as its last line.
    const printed =
      runTool('pnpm', ['pack', '--pack-destination', tarDir], join(WORKSPACE_ROOT, 'packages', p))
        .trim()
        .split('\n')
        .pop() ?? '';
    out[p] = join(tarDir, basename(printed));
  }
  return out;
}

/** Tarball sizes in bytes, by file name. */
export function tarballSizes(tarballs: string[]): Record<string, number> {
  return Object.fromEntries(tarballs.map((t) => [basename(t), statSync(t).size]));
}

export interface InstalledApp {
  dir: string;
  /** Every package in node_modules as `name@version`, sorted. */
  packages: string[];
  /** Native addons (`*.node`) anywhere in node_modules. */
  addons: string[];
  /** Tarball sizes in bytes. */
  tarballs: Record<string, number>;
  /** Writes `source` to `file` in the app and runs it with node; returns stdout. */
  runProgram(file: string, source: string): string;
  /** Removes what was made for the app (kept when S2_KEEP_CLOSURE=1). */
  remove(): void;
}

/**
 * A fresh app in `dir` (created) with `tarballs` installed by npm, offline: nothing comes from a
 * registry, so a dependency the tarballs do not bring fails the install. `remove()` deletes
 * `cleanup` (the app's folder unless told otherwise).
 */
export function installApp(dir: string, tarballs: string[], cleanup = dir): InstalledApp {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `closure-${basename(dir)}`, private: true, version: '0.0.0' }, null, 2));
  runTool('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], dir);
  return {
    dir,
    packages: installedPackages(dir),
    addons: nativeAddons(join(dir, 'node_modules')),
    tarballs: tarballSizes(tarballs),
    runProgram(file, source) {
      writeFileSync(join(dir, file), source);
      return runTool(process.execPath, [file], dir);
    },
    remove() {
      if (process.env.S2_KEEP_CLOSURE !== '1') rmSync(cleanup, { recursive: true, force: true });
    },
  };
}

/**
 * Packs `packages` (short names) and installs them into one fresh app in `work` (by default a
 * new temporary folder, which `remove()` deletes).
 * `build` are rebuilt first (the packages under test); the others only when their build is
 * missing or older than their sources.
 */
export function packAndInstall(packages: string[], build: string[], work = mkdtempSync(join(tmpdir(), 's2-pack-install-'))): InstalledApp {
  const tarballs = withBuildLock(() => {
    buildPackages(packages, build);
    return packPackages(packages, join(work, 'tarballs'));
  });
  return installApp(join(work, 'app'), Object.values(tarballs), work);
}

const NODE_IMPORT = /from\s*["']node:|require\(["']node:|from\s*["'](fs|path|os|net|tls|http|child_process|stream)["']/;

/** Files of an installed package's dist that import Node built-ins (a runtime-neutral entry has none). */
export function nodeImports(app: InstalledApp, pkg: string, pred: (name: string) => boolean = (n) => /\.c?js$/.test(n)): string[] {
  return filesUnder(join(app.dir, 'node_modules', pkg, 'dist'), pred).filter((f) => NODE_IMPORT.test(readFileSync(f, 'utf8')));
}

/**
 * For a vitest describe block: packs and installs before its tests (printing what got
 * installed), removes the app after them; returns a getter for the app.
 */
export function useInstalledApp(packages: string[], build: string[]): () => InstalledApp {
  let app: InstalledApp | undefined;
  beforeAll(() => {
    app = packAndInstall(packages, build);
    console.log(`install closure of @s2/${build.join(', @s2/')}: ${app.packages.join(', ')}; tarballs ${JSON.stringify(app.tarballs)}`);
  }, 300_000);
  afterAll(() => app?.remove());
  return () => {
    if (!app) throw new Error('the installed app is only there inside the tests of the describe block that called useInstalledApp');
    return app;
  };
}

export interface ClosureCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** What a closure script prints: its checks, the installed packages and the tarball sizes. */
export interface ClosureReport {
  checks: ClosureCheck[];
  installed: string[];
  tarballs: Record<string, number>;
}

export interface ClosureContext {
  /** A temporary folder for tarballs and apps, removed afterwards (kept when S2_KEEP_CLOSURE=1). */
  work: string;
  report: ClosureReport;
  check(name: string, ok: boolean, detail?: string): void;
  /** Builds, packs and installs `packages` into `<work>/app`, filling the report's installed and tarballs. */
  install(packages: string[], build: string[]): InstalledApp;
}

/**
 * The frame of a standalone closure script (node, no test runner): runs `body`, records a throw
 * as a failed 'closure run' check, prints the report as JSON and exits 1 when a check failed.
 */
export async function runClosureScript(name: string, body: (ctx: ClosureContext) => void | Promise<void>): Promise<never> {
  const work = mkdtempSync(join(tmpdir(), `s2-${name}-closure-`));
  const report: ClosureReport = { checks: [], installed: [], tarballs: {} };
  const check = (checkName: string, ok: boolean, detail = '') => {
    report.checks.push({ name: checkName, ok, detail });
  };
  const install = (packages: string[], build: string[]) => {
    const app = packAndInstall(packages, build, work);
    report.installed = app.packages;
    report.tarballs = app.tarballs;
    return app;
  };
  try {
    await body({ work, report, check, install });
  } catch (err) {
    check('closure run', false, String((err as Error).message ?? err).slice(0, 2000));
  } finally {
    if (process.env.S2_KEEP_CLOSURE !== '1') rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.checks.every((c) => c.ok) ? 0 : 1);
}
