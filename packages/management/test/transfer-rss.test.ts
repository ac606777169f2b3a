import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagementFake, type ManagementFake } from '@s2/fakes/management';
import { runSourceScript } from '../../../tooling/test-support/source-script.js';

const SIZE = 300 * 1024 * 1024;
let fake: ManagementFake;
let dir: string;

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

beforeAll(async () => {
  fake = await startManagementFake();
  dir = await mkdtemp(join(tmpdir(), 's2-transfer-'));
  const block = randomBytes(1024 * 1024);
  const out = createWriteStream(join(dir, 'src.bin'));
  for (let i = 0; i < SIZE / block.length; i++) {
    block[0] = i & 0xff;
    if (!out.write(Buffer.from(block))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('300 MB stage transfer in a child process', () => {
  it('streams both ways with flat memory and complete progress', async () => {
    const cluster = fake.seed.cluster({ name: 'big' });
    const args = { url: fake.url, token: fake.token, clusterId: cluster.clusterID, src: join(dir, 'src.bin'), dst: join(dir, 'dst.bin') };
    const { code, stdout, stderr } = await runSourceScript(new URL('./fixtures/transfer-child.ts', import.meta.url), {
      S2_TRANSFER_ARGS: JSON.stringify(args),
    });
    expect(code, stderr).toBe(0);
    const r = JSON.parse(stdout);
    const growthMb = (r.peak - r.baseline) / 2 ** 20;
    console.log(
      `300 MB stage transfer: peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MiB (baseline ${(r.baseline / 2 ** 20).toFixed(0)} MiB, growth ${growthMb.toFixed(0)} MiB); ` +
        `upload ${(r.upMs / 1000).toFixed(1)} s, upload+download ${(r.totalMs / 1000).toFixed(1)} s; progress events up ${r.upEvents}, down ${r.downEvents}`,
    );
    expect(r.remoteSize).toBe(SIZE);
    expect(r.upLast).toMatchObject({ bytes: SIZE, total: SIZE, direction: 'upload' });
    expect(r.downLast).toMatchObject({ bytes: SIZE, total: SIZE, direction: 'download' });
    expect(r.monotonic).toBe(true);
    expect(r.upEvents).toBeGreaterThan(100);
    expect(r.downEvents).toBeGreaterThan(100);
    // Flat: the client never holds the file; growth stays far below its 300 MiB.
    expect(growthMb).toBeLessThan(100);
    expect((await stat(args.dst)).size).toBe(SIZE);
    expect(await sha256(args.dst)).toBe(await sha256(args.src));
  }, 120_000);
});
