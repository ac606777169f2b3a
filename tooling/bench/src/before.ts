/**
 * The "before" side of a before/after run (`S2_BENCH_BEFORE=<commit>`): the given commit checked
 * out in a git worktree under the temporary directory, installed from the pnpm store without
 * the network, with its own addon built by its own build script. The harness then bundles the
 * current s2 runner against that tree's packages (see bundle.ts), so "s2 before" and "s2 after"
 * run the same workload code and differ only in the library.
 *
 * The worktree is kept and reused (a ready marker), so a second run costs nothing.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BeforeTree {
  /** The worktree's root. */
  dir: string;
  /** Full commit id and its short form, for the report. */
  commit: string;
  short: string;
  /** The commit's addon, or null when it could not be built (its native runs then fail visibly). */
  nativeFile: string | null;
}

const ADDON = 's2-native.linux-x64-gnu.node';

async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await run(cmd, args, { cwd, env, maxBuffer: 64 << 20 });
  return stdout;
}

/** Checks out, installs and builds `ref` (once); `root` is the repository the harness runs in. */
export async function prepareBefore(root: string, ref: string, log: (line: string) => void): Promise<BeforeTree> {
  const commit = (await sh('git', ['rev-parse', '--verify', `${ref}^{commit}`], root)).trim();
  const short = commit.slice(0, 7);
  const dir = join(tmpdir(), `s2-bench-before-${short}`);
  const ready = join(dir, '.s2-bench-ready');
  const addon = join(dir, 'packages', 'native', ADDON);
  if (existsSync(ready)) return { dir, commit, short, nativeFile: existsSync(addon) ? addon : null };

  if (!existsSync(dir)) {
    log(`before: git worktree of ${short} at ${dir}`);
    await sh('git', ['worktree', 'add', '--detach', dir, commit], root);
  }
  log('before: pnpm install --frozen-lockfile --offline');
  // The lock keeps this install from running at the same time as one in the main tree.
  const install = ['pnpm', 'install', '--frozen-lockfile', '--offline', '--reporter=silent'];
  await sh('flock', ['/tmp/s2-pnpm.lock', ...install], dir).catch(() => sh(install[0], install.slice(1), dir));

  const nativeDir = join(dir, 'packages', 'native');
  let nativeFile: string | null = null;
  if (existsSync(join(nativeDir, 'scripts', 'build-native.mjs'))) {
    // Seed cargo's target directory from the main tree's, so only the crate's own code recompiles.
    const mainTarget = join(root, 'packages', 'native', 'target');
    if (existsSync(mainTarget) && !existsSync(join(nativeDir, 'target'))) cpSync(mainTarget, join(nativeDir, 'target'), { recursive: true });
    log(`before: building ${short}'s addon with its own build script (cargo, a few minutes the first time)`);
    try {
      await sh(process.execPath, ['scripts/build-native.mjs'], nativeDir);
      if (existsSync(addon)) nativeFile = addon;
    } catch (err) {
      log(`before: the addon did not build (${(err as Error).message.split('\n')[0]}): its native runs will fail`);
    }
  } else if (existsSync(join(root, 'packages', 'native', ADDON))) {
    // A tree without a build script: fall back to the main tree's addon file.
    copyFileSync(join(root, 'packages', 'native', ADDON), addon);
    nativeFile = addon;
  }
  writeFileSync(ready, `${commit}\n`);
  return { dir, commit, short, nativeFile };
}
