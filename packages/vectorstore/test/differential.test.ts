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
import { skipUnless } from '@s2/testing/vitest';

const normalizedExpr = (json: string) =>
  `scalar_vector_mul(1.0 / sqrt(vector_elements_sum(vector_mul(JSON_ARRAY_PACK(${json}), JSON_ARRAY_PACK(${json})))), JSON_ARRAY_PACK(${json}))`;

/** F32 little-endian bytes of a vector as a hex literal, computed here independently of s2. */
const hexLiteral = (values: number[]) => `X'${Buffer.from(Float32Array.from(values).buffer).toString('hex')}'`;
const unit = (values: number[]) => {
  const len = Math.sqrt(values.reduce((sum, x) => sum + x * x, 0));
  return len > 0 ? values.map((x) => x / len) : values;
};
/** The reference's server-side normalisation of one JSON vector parameter, after normalizeSql. */
const NORMALIZED_EXPR =
  /scalar_vector_mul\(1\.0 \/ sqrt\(vector_elements_sum\(vector_mul\(JSON_ARRAY_PACK\('(\[[^\]']*\])'\),JSON_ARRAY_PACK\('\1'\)\)\)\),JSON_ARRAY_PACK\('\1'\)\)/g;
const JSON_VECTOR = /'(\[[^\]']*\])'/g;

/**
 * The deliberate differences, as rewrites of the reference's statements for one operation
 * into what s2 sends. Every other operation must match statement for statement.
 */
const DIFFERENCES: Record<string, { why: string; expected(reference: string[]): string[] }> = {
  detectFormat: {
    why: "vectorFormat 'auto' (the default) asks the server once, when the store opens, whether it takes binary vectors",
    expected: (ref) => [...ref, 'SELECT @@memsql_version'],
  },
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
    expected: (ref) =>
      ref.map((sql) => {
        const m = /^UPDATE (\S+) SET vector=('[^']*')(.*) WHERE (.*)$/.exec(sql);
        return m ? normalizeSql(`UPDATE ${m[1]} SET vector=${m[2]}${m[3]}, vector_normalized = ${normalizedExpr(m[2]!)} WHERE ${m[4]}`) : sql;
      }),
  },
  showIndex: {
    why: 'configureIndex() asks the table (SHOW INDEX) whether it has the vector index, and drops only one that is there',
    expected: ([describe, ...rest]) => {
      const table = /WHERE name='([^']*)'$/.exec(describe!)![1]!;
      return [describe!, `SHOW INDEX FROM index_${table}`, ...rest];
    },
  },
  binaryVectors: {
    why: "on SingleStore 8.5+ (vectorFormat 'auto'), upserted and updated vectors are packed F32 hex literals and the cosine normalisation is computed client-side",
    expected: (ref) =>
      ref.map((sql) =>
        /^(REPLACE|UPDATE) /.test(sql)
          ? sql
              .replace(NORMALIZED_EXPR, (_, json: string) => hexLiteral(unit(JSON.parse(json) as number[])))
              .replace(JSON_VECTOR, (_, json: string) => hexLiteral(JSON.parse(json) as number[]))
              // normalizeSql dropped the space between the expression's `)` and a following keyword; a literal keeps it.
              .replace(/(X'[0-9a-f]*')(?=[A-Za-z])/g, '$1 ')
          : sql,
      ),
  },
};

type Mode = { batched: boolean; singlestore: boolean };

/** Which differences apply to step n of the scenario, in the order they rewrite the reference (none: must match exactly). */
function differencesFor(n: number, { batched, singlestore }: Mode): (keyof typeof DIFFERENCES)[] {
  const step = SCENARIO[n]!;
  const out: (keyof typeof DIFFERENCES)[] = [];
  if (step.op === 'init') out.push('detectFormat');
  if (step.op === 'upsert' && batched) out.push('upsert');
  if (step.op === 'update' && step.args?.index === 'docs' && step.args.values) out.push('updateCosine');
  if (step.op === 'configureIndex' && step.args?.useVectorIndex !== undefined) out.push('showIndex');
  if (singlestore && (step.op === 'upsert' || (step.op === 'update' && step.args?.values))) out.push('binaryVectors');
  return out;
}

const sdk = await referenceSdk();
const reason = 'unavailable' in sdk ? `differential vectorstore test: reference not installable (${sdk.unavailable})` : null;

describe('differential: s2 vs singlestore-vectorstore 0.1.5 through the recording fake', skipUnless(reason, 'missing-tool'), () => {
  let server: RecordingServer;
  let reference: string[][];
  let referenceResults: (string | null)[];

  /** s2's recording of the scenario; `singlestore`: through a fake that answers `@@memsql_version` as SingleStore 8.9 does. */
  async function recordS2(batchSize?: number, singlestore = false) {
    const target = singlestore ? await startRecordingMysqlServer({ respond, memsqlVersion: '8.9.3' }) : server;
    target.reset();
    const conn = await connect({ host: target.host, port: target.port, user: 'u', password: 'p', database: 'db' });
    try {
      const results = await runS2Scenario(conn, SCENARIO, batchSize ? { batchSize } : {});
      expect(target.errors).toEqual([]);
      return { results, ops: statementsByOp(target.statements, SCENARIO.length) };
    } finally {
      await conn.close();
      if (singlestore) await target.close();
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
    expect(failed).toEqual([
      `${SCENARIO.length - 4}:deleteIndex`,
      `${SCENARIO.length - 3}:query`,
      `${SCENARIO.length - 2}:delete`,
      `${SCENARIO.length - 1}:update`,
    ]);
  });

  const modes: Mode[] = [
    { batched: false, singlestore: false },
    { batched: true, singlestore: false },
    { batched: false, singlestore: true },
    { batched: true, singlestore: true },
  ];
  for (const mode of modes) {
    const title = `${mode.batched ? 'default batching' : 'batchSize 1'}, ${mode.singlestore ? 'server announces SingleStore 8.9' : 'server without @@memsql_version'}`;
    it(`s2 (${title}) sends the reference's statements, except the listed differences`, async () => {
      const s2 = await recordS2(mode.batched ? undefined : 1, mode.singlestore);
      expect(s2.results.map((r) => r !== null)).toEqual(referenceResults.map((r) => r !== null));
      const applied = new Set<string>();
      for (const [n, step] of SCENARIO.entries()) {
        const diffs = differencesFor(n, mode);
        for (const d of diffs) applied.add(d);
        const expected = diffs.reduce((stmts, d) => DIFFERENCES[d]!.expected(stmts), reference[n]!);
        const why = diffs.map((d) => `"${DIFFERENCES[d]!.why}"`).join(' and ');
        expect(s2.ops[n], `step ${n} (${step.op} ${JSON.stringify(step.args ?? {})})${why ? ` with ${why}` : ''}`).toEqual(expected);
      }
      // Each listed difference is exercised (and really differs from the reference).
      const want = ['detectFormat', 'updateCosine', 'showIndex', ...(mode.batched ? ['upsert'] : []), ...(mode.singlestore ? ['binaryVectors'] : [])];
      expect([...applied].sort()).toEqual(want.sort());
    });
  }

  it('a batched upsert is one statement where the reference sends one per vector', async () => {
    const s2 = await recordS2();
    const n = SCENARIO.findIndex((s) => s.op === 'upsert' && s.args?.index === 'docs');
    expect(reference[n]!.filter((s) => s.startsWith('REPLACE'))).toHaveLength(3);
    expect(s2.ops[n]!.filter((s) => s.startsWith('REPLACE'))).toHaveLength(1);
  });
});
