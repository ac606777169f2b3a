import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonSdk, runPythonJson, type PythonSdk } from '@s2/testing';
import { missingCommand, skipUnless } from '@s2/testing/vitest';
import { createUdfServer, t, udf, type SqlType } from '../src/index.js';

/**
 * The UDF server's JSON format against the official Python SDK: requests written by its JSON
 * encoder, responses read by its JSON decoder, for every wire code the servers use (udf spec 6.3, 7).
 */
// Prepared at collection time, so the describe below can skip visibly when it cannot be had.
const found = await pythonSdk();
const unavailable = 'unavailable' in found ? `Python SDK JSON cross-check: ${found.unavailable}` : null;
const sdk = found as PythonSdk;

type PyOut = { dumped: string; loaded: { row_ids: unknown[]; rows: unknown[][] } };
type PyIn = { types: number[]; row_ids: unknown[]; rows: unknown[][]; payload?: string };
/** Runs a batch of encode/decode jobs in one Python process (importing the SDK takes seconds). */
async function viaPython(jobs: PyIn[]): Promise<PyOut[]> {
  return (await runPythonJson<{ results: PyOut[] }>(sdk, fileURLToPath(new URL('./python/json_codec.py', import.meta.url)), { jobs })).results;
}

/** Per type: the SQL type, values as Python gets them, and what its decoder reports back. */
const CASES: [string, SqlType, unknown[], unknown[]][] = [
  ['bigint', t.bigint().nullable(), [{ int: '-9223372036854775808' }, 0, null], [{ int: '-9223372036854775808' }, 0, null]],
  ['ubigint', t.unsignedBigint().nullable(), [{ int: '18446744073709551615' }, 7, null], [{ int: '18446744073709551615' }, 7, null]],
  ['double', t.double().nullable(), [2.5, -1e300, null], [{ float: '2.5' }, { float: '-1e+300' }, null]],
  ['text', t.text().nullable(), ['héllo 🥷', '', null], ['héllo 🥷', '', null]],
  ['blob', t.blob().nullable(), ['0001ff', '', null], [{ hex: '0001ff' }, { hex: '' }, null]],
  [
    'decimal',
    t.decimal(20, 6).nullable(),
    ['-12.345600', '99999999999999.999999', null],
    [{ decimal: '-12.345600' }, { decimal: '99999999999999.999999' }, null],
  ],
  [
    'datetime',
    t.datetime(6).nullable(),
    ['2024-03-15 10:30:45.123456', '0001-01-01 00:00:00', null],
    [{ datetime: '2024-03-15 10:30:45.123456' }, { datetime: '0001-01-01 00:00:00' }, null],
  ],
  ['date', t.date().nullable(), ['2024-02-29', '9999-12-31', null], [{ date: '2024-02-29' }, { date: '9999-12-31' }, null]],
  ['time', t.time(6).nullable(), [-3723100000, 3020399000000, null], [{ micros: -3723100000 }, { micros: 3020399000000 }, null]],
];

const IDS = [{ int: '9007199254740993' }, 2, 3];
/**
 * Values the SDK's JSON encoder writes in a form its own decoder does not read back: year 1
 * goes out as '1-01-01 00:00:00.000000' (no zero padding) and comes back as that text. Our
 * server reads it and answers the padded form, which the SDK then reads as a datetime.
 */
const SDK_SELF_LOSSY: Record<string, { row: number; own: unknown }> = { datetime: { row: 1, own: '1-01-01 00:00:00.000000' } };
/**
 * What each case produced: its encoder's request, our answer, its decoder's reading of our
 * answer (`read`) and of its own request (`own`: what an echo must give back, by the SDK itself).
 */
const outcomes = new Map<string, { request: string; status: number; contentType: string; body: string; read: PyOut; own?: PyOut }>();

describe('JSON format against the official Python SDK', skipUnless(unavailable, 'missing-tool'), () => {
  beforeAll(async () => {
    const echo = (name: string, type: SqlType) => udf({ name: `echo_${name}`, args: { x: type }, returns: type }, (x: unknown) => x);
    const app = await createUdfServer({
      functions: [...CASES.map(([name, type]) => echo(name, type)), udf({ name: 'echo', args: { x: t.bigint() }, returns: t.bigint() }, (x: bigint) => x)],
    });
    try {
      const requests = await viaPython(CASES.map(([, type, values]) => ({ types: [type.wireCode], row_ids: IDS, rows: values.map((v) => [v]) })));
      const answers: Awaited<ReturnType<typeof app.inject>>[] = [];
      for (const [i, [name]] of CASES.entries()) {
        answers.push(
          await app.inject({
            method: 'POST',
            url: '/invoke',
            headers: { 'content-type': 'application/json', 's2-ef-name': `echo_${name}`, 's2-ef-version': '1.0' },
            payload: requests[i].dumped,
          }),
        );
      }
      const bigIds = await app.inject({
        method: 'POST',
        url: '/invoke',
        headers: { 'content-type': 'application/json', 's2-ef-name': 'echo', 's2-ef-version': '1.0' },
        payload: '{"data": [[9007199254740993, 9007199254740995]]}',
      });
      const reads = await viaPython([
        ...CASES.map(([, type], i) => ({ types: [type.wireCode], row_ids: [], rows: [], payload: answers[i].body })),
        { types: [8], row_ids: [], rows: [], payload: bigIds.body },
        ...CASES.map(([, type], i) => ({ types: [type.wireCode], row_ids: [], rows: [], payload: requests[i].dumped })),
      ]);
      CASES.forEach(([name], i) =>
        outcomes.set(name, {
          request: requests[i].dumped,
          status: answers[i].statusCode,
          contentType: String(answers[i].headers['content-type']),
          body: answers[i].body,
          read: reads[i],
          own: reads[CASES.length + 1 + i],
        }),
      );
      outcomes.set('big ids', {
        request: '',
        status: bigIds.statusCode,
        contentType: String(bigIds.headers['content-type']),
        body: bigIds.body,
        read: reads[CASES.length],
      });
    } finally {
      await app.close();
    }
  }, 300_000);

  for (const [name, , , expected] of CASES) {
    it(`${name}: its encoder → our server (echo) → its decoder`, () => {
      const o = outcomes.get(name)!;
      expect(o.request.startsWith('{"data": [[')).toBe(true);
      expect(o.status, o.body).toBe(200);
      expect(o.contentType).toMatch(/^application\/json/);
      // The SDK reads our echo exactly as it reads its own request, row ids included.
      expect(o.read.loaded.rows).toHaveLength(CASES[0][2].length);
      const own = structuredClone(o.own!.loaded);
      const quirk = SDK_SELF_LOSSY[name];
      if (quirk) {
        // Where the SDK cannot read back its own request, pin what it does and compare the rest.
        expect(own.rows[quirk.row]).toEqual([quirk.own]);
        own.rows[quirk.row] = o.read.loaded.rows[quirk.row];
      }
      expect(o.read.loaded).toEqual(own);
      // And that reading is the one recorded from singlestoredb 1.18.1 (pins the SDK's value forms).
      expect(o.read.loaded.rows).toEqual(expected.map((v) => [v]));
      expect(o.read.loaded.row_ids).toEqual(IDS);
    });
  }

  it('row ids beyond 2^53 survive the round trip exactly', () => {
    expect(outcomes.get('big ids')!.read.loaded).toEqual({ row_ids: [{ int: '9007199254740993' }], rows: [[{ int: '9007199254740995' }]] });
  });
});

describe('doubles are spelled like the reference (Python float repr)', () => {
  // Only a missing interpreter skips: a python3 that crashes or prints something else fails the test.
  const noPython = missingCommand('python3');
  it(
    'shortest round-trip digits, positional for exponents -4..15, scientific beyond',
    skipUnless(noPython && `Python float repr check: ${noPython}`, 'missing-tool'),
    async () => {
      const { execFileSync } = await import('node:child_process');
      const { pythonFloat } = await import('../src/codecs/json.js');
      const xs = [
        2.5,
        -1e300,
        1e16,
        1e15,
        123456789012345680,
        0.0001,
        0.00001,
        1.5e-5,
        0,
        5e-324,
        1.7976931348623157e308,
        0.1,
        1 / 3,
        100,
        -7,
        1e22,
        12345.678,
      ];
      const py = JSON.parse(
        execFileSync('python3', ['-c', `import json; print(json.dumps([repr(float(x)) for x in ${JSON.stringify(xs.map(String))}]))`]).toString(),
      ) as string[];
      expect(py).toHaveLength(xs.length);
      expect(xs.map(pythonFloat)).toEqual(py);
      expect(pythonFloat(-0)).toBe('-0.0');
    },
  );
});
