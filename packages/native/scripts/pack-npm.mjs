// Packs @s2/native the way a release publishes it (napi-rs convention): the per-platform
// package for this machine with the addon inside, and @s2/native itself with every platform
// package of "napi.targets" in optionalDependencies, so that npm installs the one that fits.
// Usage: node scripts/pack-npm.mjs <out-dir>   (after `pnpm --filter @s2/native build`
// and `build:native`). Prints the two tarball paths as JSON.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? '.');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const TRIPLES = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc',
};
const platformTriple = () => {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${process.report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`;
};

function npmPack(dir) {
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack in ${dir} failed:\n${r.stderr}`);
  return join(out, JSON.parse(r.stdout)[0].filename);
}

const stage = mkdtempSync(join(tmpdir(), 's2-native-pack-'));
try {
  // The platform package for this machine, with the addon built here.
  const triple = platformTriple();
  const binary = join(root, `s2-native.${triple}.node`);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run pnpm --filter @s2/native build:native first`);
  const platformDir = join(stage, triple);
  cpSync(join(root, 'npm', triple), platformDir, { recursive: true });
  copyFileSync(binary, join(platformDir, `s2-native.${triple}.node`));
  const platformPkg = JSON.parse(readFileSync(join(platformDir, 'package.json'), 'utf8'));
  platformPkg.version = pkg.version;
  writeFileSync(join(platformDir, 'package.json'), `${JSON.stringify(platformPkg, null, 2)}\n`);
  const platformTarball = npmPack(platformDir);

  // @s2/native: pnpm pack resolves workspace: versions; then the optional platform packages go in.
  const mainDir = join(stage, 'main');
  const r = spawnSync('pnpm', ['pack', '--pack-destination', mainDir], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pnpm pack failed:\n${r.stderr}${r.stdout}`);
  const packed = readdirSync(mainDir).find((f) => f.endsWith('.tgz'));
  spawnSync('tar', ['-xzf', join(mainDir, packed), '-C', mainDir], { stdio: 'inherit' });
  const unpacked = join(mainDir, 'package');
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
  manifest.optionalDependencies = Object.fromEntries(pkg.napi.targets.map((t) => [`@s2/native-${TRIPLES[t]}`, pkg.version]));
  writeFileSync(join(unpacked, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const mainTarball = npmPack(unpacked);
  console.log(JSON.stringify({ main: mainTarball, platform: platformTarball, triple }));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
