/**
 * The floor of the columns frame stream's peak RSS (not part of `pnpm bench`):
 *
 *   node --conditions=s2-source --import tsx tooling/bench/src/columns-floor.ts
 *
 * Loads 1M `wide` rows, then per round runs s2's columns stream with 4,096, 1,024 and 256-row
 * frames, the driver-free floor with 4,096 and 1,024-row frames (runners/columns-floor.ts), and
 * mysql2's row stream; prints each one's peak RSS.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bundleRunners } from './bundle.js';
import { nativeLine } from './native-addon.js';
import { prepare, startTarget } from './setup.js';
const { target, stop } = await startTarget();
try {
  await prepare(target, 1_000_000);
  const b = await bundleRunners(['columns-floor', 'mysql2']);
  const { file } = await nativeLine();
  if (!file) throw new Error('the native addon is not built: the columns stream measured is the addon path');
  const env = { ...process.env, SINGLESTOREDB_NATIVE_PATH: file };
  const res = new Map<string, number[]>();
  for (let round = 0; round < 3; round++) {
    for (const mode of ['cols:4096', 'cols:1024', 'cols:256', 'floor:4096', 'floor:1024', 'mysql2']) {
      const script = mode === 'mysql2' ? b.get('mysql2')! : b.get('columns-floor')!;
      const config = { ...target, sql: 'SELECT * FROM wide', mode: mode === 'mysql2' ? 'stream' : mode };
      const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(config)], { env, maxBuffer: 1 << 20 });
      const m = JSON.parse(stdout.trim().split('\n').at(-1)!);
      res.set(mode, [...(res.get(mode) ?? []), m.maxRssMiB]);
      console.log(round, mode, m.rows, Math.round(m.wallMs), 'ms', m.maxRssMiB.toFixed(1), 'MiB');
    }
  }
  for (const [mode, xs] of res) console.log(mode.padEnd(12), 'peak RSS MiB', xs.map((x) => x.toFixed(1)).join(' '));
} finally {
  await stop();
}
