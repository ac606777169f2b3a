/**
 * Differential test against the reference package (singlestore-vectorstore 0.1.5 on the
 * SingleStoreDB Python SDK, singlestoredb 1.18.1): both run the same operations against the
 * recording fake MySQL server, and the statements each operation sends must be the same,
 * except for the deliberate differences listed in DIFFERENCES below (and in the README).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@s2/core';
import { runPythonJson, startRecordingMysqlServer, type PythonSdk, type RecordingServer } from '@s2/testing';
import { normalizeSql, respond, statementsByOp } from './support/fixture.js';
import { referenceSdk } from './support/reference.js';
import { runS2Scenario, SCENARIO } from './support/scenario.js';

const normalizedExpr = (json: string) =>
  `scalar_vector_mul(1.0 / sqrt(vector_elements_sum(vector_mul(JSON_ARRAY_PACK(${json}), JSON_ARRAY_PACK(${json})))), JSON_ARRAY_PACK(${json}))`;

/**
 * The deliberate differences, as rewrites of the reference's statements for one operation
 * into what s2 sends. Every other operation must match statement for statement.
 */
const DIFFERENCES: Record<string, { why: string; expected(reference: string[]): string[] }> = {
  upsert: {
    why: 'batched upserts: the rows of consecutive one-row REPLACE statements travel in one multi-row REPLACE',
    expected: (ref) => {
      const out: string[] = [];
      for (const sql of ref) {
        const m = /^(REPLACE INTO [^(]*\([^)]*\)VALUES)(\(.*\))$/.exec(sql);
        const last = out.length ? /^(REPLACE INTO [^(]*\([^)]*\)VALUES)(\(.*\))$/.exec(out[out.length - 1]!) : null;
        if (m && last && last[1] === m[1]) out[out.length - 1] += `,${m[2]}`;
        else out.push(sql);
      }
      return out;
    },
  },
  updateCosine: {
    why: 'update() of a cosine index also refreshes vector_normalized (the reference leaves it stale)',
    expected: (ref) => ref.map((sql) => {
      const m = /^UPDATE (\S+) SET vector=('[^']*')(.*) WHERE (.*)$/.exec(sql);
      return m ? normalizeSql(`UPDATE ${m[1]} SET vector=${m[2]}${m[3]}, vector_normalized = ${normalizedExpr(m[2]!)} WHERE ${m[4]}`) : sql;
    }),
  },
};

/** Which difference applies to step n of the scenario (undefined: must match exactly). */
function differenceFor(n: number, batched: boolean): keyof typeof DIFFERENCES | undefined {
  const step = SCENARIO[n]!;
  if (step.op === 'upsert' && batched) return 'upsert';
  if (step.op === 'update' && step.args?.index === 'docs' && step.args.values) return 'updateCosine';
  return undefined;
}

const sdk = await referenceSdk();
const reason = 'unavailable' in sdk ? `reference not installable (${sdk.unavailable})` : '';
if (reason) console.warn(`differential vectorstore test skipped: ${reason}`);

describe.skipIf(!!reason)('differential: s2 vs singlestore-vectorstore 0.1.5 through the recording fake', () => {
  let server: RecordingServer;
  let reference: string[][];
  let referenceResults: (string | null)[];

  async function recordS2(batchSize?: number) {
    server.reset();
    const conn = await connect({ host: server.host, port: server.port, user: 'u', password: 'p', database: 'db' });
    try {
      const results = await runS2Scenario(conn, SCENARIO, batchSize ? { batchSize } : {});
      return { results, ops: statementsByOp(server.statements, SCENARIO.length) };
    } finally {
      await conn.close();
    }
  }

  beforeAll(async () => {
    server = await startRecordingMysqlServer({ respond });
    const script = fileURLToPath(new URL('./python/run_scenario.py', import.meta.url));
    referenceResults = await runPythonJson<(string | null)[]>(sdk as PythonSdk, script, { host: server.host, port: server.port, steps: SCENARIO });
    reference = statementsByOp(server.statements, SCENARIO.length);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it('the reference ran the scenario: statements for every data operation, errors only for the invalid calls', () => {
    expect(reference.filter((s) => s.length > 0).length).toBeGreaterThan(30);
    const failed = SCENARIO.map((s, n) => (referenceResults[n] ? `${n}:${s.op}` : null)).filter(Boolean);
    // The last four steps are invalid on purpose: a protected index, a vector plus an id, nothing to delete, nothing to update.
    expect(failed).toEqual([`${SCENARIO.length - 4}:deleteIndex`, `${SCENARIO.length - 3}:query`, `${SCENARIO.length - 2}:delete`, `${SCENARIO.length - 1}:update`]);
  });

  for (const batched of [false, true]) {
    it(`s2 (${batched ? 'default batching' : 'batchSize 1'}) sends the reference's statements, except the listed differences`, async () => {
      const s2 = await recordS2(batched ? undefined : 1);
      expect(server.errors).toEqual([]);
      expect(s2.results.map((r) => r !== null)).toEqual(referenceResults.map((r) => r !== null));
      const applied = new Set<string>();
      for (const [n, step] of SCENARIO.entries()) {
        const diff = differenceFor(n, batched);
        if (diff) applied.add(diff);
        const expected = diff ? DIFFERENCES[diff]!.expected(reference[n]!) : reference[n]!;
        expect(s2.ops[n], `step ${n} (${step.op} ${JSON.stringify(step.args ?? {})})${diff ? ` with difference "${DIFFERENCES[diff]!.why}"` : ''}`).toEqual(expected);
      }
      // Each listed difference is exercised (and really differs from the reference).
      expect([...applied].sort()).toEqual(batched ? ['updateCosine', 'upsert'] : ['updateCosine']);
    });
  }

  it('a batched upsert is one statement where the reference sends one per vector', async () => {
    const s2 = await recordS2();
    const n = SCENARIO.findIndex((s) => s.op === 'upsert' && s.args?.index === 'docs');
    expect(reference[n]!.filter((s) => s.startsWith('REPLACE'))).toHaveLength(3);
    expect(s2.ops[n]!.filter((s) => s.startsWith('REPLACE'))).toHaveLength(1);
  });
});
