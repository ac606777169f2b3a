/**
 * Installs s2 packages the way a user does: builds them, packs them as they would be
 * published (`pnpm pack`) and installs the tarballs with plain npm, offline, into a fresh app
 * outside the workspace. Shared by the install-closure tests of @s2/vectorstore and @s2/ai.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Why the check cannot run here, or null when npm and pnpm are both on PATH. */
export function packInstallUnavailable(): string | null {
  for (const tool of ['npm', 'pnpm']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0) return `${tool} is not on PATH`;
  }
  return null;
}

function run(cmd: string, args: string[], cwd: string): string {
  // pnpm points NODE_PATH at the workspace's store for what it runs; an app meant to stand alone must not see it.
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function walkFiles(dir: string, pred: (name: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkFiles(p, pred, out);
    else if (pred(name)) out.push(p);
  }
  return out;
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
  remove(): void;
}

/**
 * `build` are rebuilt first (the package under test); the other `packages` only when they have
 * no dist yet, since their code does not change what gets installed.
 */
export function packAndInstall(packages: string[], build: string[]): InstalledApp {
  const toBuild = [...new Set([...build, ...packages.filter((p) => !existsSync(join(ROOT, 'packages', p, 'dist/index.js')))])];
  run('pnpm', ['-s', ...toBuild.flatMap((p) => ['--filter', `@s2/${p}`]), 'run', 'build'], ROOT);
  const work = mkdtempSync(join(tmpdir(), 's2-pack-install-'));
  const tarDir = join(work, 'tarballs');
  mkdirSync(tarDir);
  for (const p of packages) run('pnpm', ['pack', '--pack-destination', tarDir], join(ROOT, 'packages', p));
  const tarballs: Record<string, number> = {};
  const files = readdirSync(tarDir).map((f) => join(tarDir, f));
  for (const f of files) tarballs[f.slice(tarDir.length + 1)] = statSync(f).size;
  const dir = join(work, 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pack-install-app', private: true, version: '0.0.0' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...files], dir);
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
  walk(join(dir, 'node_modules'));
  return {
    dir,
    packages: found.sort(),
    addons: walkFiles(join(dir, 'node_modules'), (n) => n.endsWith('.node')),
    tarballs,
    runProgram(file, source) {
      writeFileSync(join(dir, file), source);
      return run(process.execPath, [file], dir);
    },
    remove() {
      if (process.env.S2_KEEP_CLOSURE !== '1') rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Files of an installed package's dist that import Node built-ins (a runtime-neutral entry has none). */
export function nodeImports(app: InstalledApp, pkg: string, pred: (name: string) => boolean = (n) => /\.c?js$/.test(n)): string[] {
  const dist = join(app.dir, 'node_modules', pkg, 'dist');
  return walkFiles(dist, pred).filter((f) => /from\s*["']node:|require\(["']node:|from\s*["'](fs|path|os|net|tls|http|child_process|stream)["']/.test(readFileSync(f, 'utf8')));
}

/**
 * For a describe block: packs and installs before its tests (printing what got installed),
 * removes the app after them; returns a getter for the app.
 */
export function useInstalledApp(packages: string[], build: string[]): () => InstalledApp {
  let app: InstalledApp | undefined;
  beforeAll(() => {
    app = packAndInstall(packages, build);
    console.log(`install closure of @s2/${build.join(', @s2/')}: ${app.packages.join(', ')}; tarballs ${JSON.stringify(app.tarballs)}`);
  }, 300_000);
  afterAll(() => app?.remove());
  return () => app!;
}
