// Builds the addon from source when a Rust toolchain is present; otherwise says why not and
// leaves the pure TypeScript path in charge (the loader falls back on its own).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (cargo.status !== 0) {
  console.log('[native] no Rust toolchain (cargo) found: s2 will use its pure TypeScript decoders');
  process.exit(0);
}
const args = [
  'napi',
  'build',
  '--platform',
  '--release',
  '--manifest-path',
  'crates/binding/Cargo.toml',
  '--output-dir',
  '.',
  '--no-js',
  '--dts',
  'native.d.ts',
];
console.log(`[native] ${cargo.stdout.trim()}: building the addon`);
const build = spawnSync('pnpm', ['exec', ...args], { cwd: root, stdio: 'inherit' });
if (build.status === 0) console.log(`[native] built with ${cargo.stdout.trim()}: the Rust accelerator is used (s2-native.*.node in packages/native)`);
process.exit(build.status ?? 1);
