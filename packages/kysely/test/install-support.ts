/**
 * Installs an ORM package the way its README says (`npm install @s2/x @s2/core @s2/wire <orm>`)
 * into a fresh app outside the workspace, offline: the s2 packages as packed tarballs, the ORM
 * packed from the copy the workspace's tests run against, so no registry is asked and nothing
 * the README leaves out (mysql2, say) can come along. Shared with the @s2/drizzle tests.
 */
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildPackages, installApp, type InstalledApp, packPackages, runTool, WORKSPACE_ROOT, withBuildLock } from '../../testing/src/pack-install.js';

export { packInstallUnavailable } from '../../testing/src/pack-install.js';

/** `npm pack` of a third-party package as installed for the workspace package `owner`; returns the tarball's path. */
function packInstalled(name: string, owner: string, work: string): string {
  // npm pack fails inside pnpm's store (its exit handler is never called): pack a copy.
  const copy = join(work, 'peers', name);
  cpSync(realpathSync(join(WORKSPACE_ROOT, 'packages', owner, 'node_modules', name)), copy, { recursive: true, dereference: true });
  const tarDir = join(work, 'tarballs');
  const [packed] = JSON.parse(runTool('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarDir], copy)) as { filename: string }[];
  return join(tarDir, packed.filename);
}

/**
 * For a describe block: `s2` (short names; `pkg` is rebuilt) and the third-party `peers` of `pkg`,
 * installed together with npm before its tests and removed after them.
 */
export function useReadmeInstall(pkg: string, s2: string[], peers: string[]): () => InstalledApp {
  let app: InstalledApp | undefined;
  beforeAll(() => {
    const work = mkdtempSync(join(tmpdir(), `s2-readme-install-${pkg}-`));
    try {
      const tarDir = join(work, 'tarballs');
      const ours = withBuildLock(() => {
        buildPackages(s2, [pkg]);
        return Object.values(packPackages(s2, tarDir));
      });
      const theirs = peers.map((name) => packInstalled(name, pkg, work));
      app = installApp(join(work, 'app'), [...ours, ...theirs], work);
    } catch (err) {
      // No app to remove afterwards: what was made so far goes now.
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
  }, 300_000);
  afterAll(() => app?.remove());
  return () => {
    if (!app) throw new Error('the installed app is only there inside the tests of the describe block that called useReadmeInstall');
    return app;
  };
}
