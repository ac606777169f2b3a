/**
 * Type-checks a user's program inside an installed app the strict way a careful user does
 * (`strict`, `skipLibCheck: false`), so that every published .d.ts the program reaches is checked
 * against what the app actually has installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT as ROOT } from '../../packages/testing/src/pack-install.ts';

export type Resolution = 'node16' | 'bundler';

/** Writes `source` as `<dir>/<name>-<resolution>/user.ts` (an ES module) and runs tsc on it; returns tsc's exit status and output. */
export function typecheckProgram(dir: string, name: string, source: string, resolution: Resolution): { ok: boolean; output: string } {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const sub = join(dir, `${name}-${resolution}`);
  mkdirSync(sub);
  writeFileSync(join(sub, 'user.ts'), source);
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'ESNext.Disposable'],
    module: resolution === 'node16' ? 'node16' : 'esnext',
    moduleResolution: resolution,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    skipLibCheck: false,
  };
  writeFileSync(join(sub, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(sub, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['user.ts'] }, null, 2));
  const r = spawnSync(process.execPath, [tsc, '-p', sub], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}
