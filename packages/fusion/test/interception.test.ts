import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, getStatementHook, OperationalError, ProgrammingError, type Connection } from '@s2/core';
import '@s2/arrow';
import '@s2/polars';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { testServer } from '@s2/testing/vitest';
import { FusionResult, FusionSyntaxError, installFusion, registerFusionCommand, uninstallFusion } from '../src/index.js';

let gateway: DataApiGateway;
let wire: Connection;
let http: Connection;

beforeAll(async () => {
  const info = testServer();
  gateway = await startDataApiGateway({ target: { host: info.host, port: info.port } });
  wire = await connect(`${info.url}/${info.database}`);
  http = await connect(`http://${encodeURIComponent(info.root.user)}:${encodeURIComponent(info.root.password)}@127.0.0.1:${gateway.port}/${info.database}`);
  installFusion({ enabled: true });
  registerFusionCommand(
    {
      grammar: `
SHOW GREETINGS [ <like> ] [ <limit> ];

Description
-----------
Test command with every column type.
`,
      run: (params) =>
        new FusionResult()
          .addField('Name', 'STRING')
          .addField('N', 'INTEGER')
          .addField('X', 'DOUBLE')
          .addField('Ok', 'BOOL')
          .addField('At', 'DATETIME')
          .addField('Doc', 'JSON')
          .addField('Raw', 'BLOB')
          .setRows([
            ['hello', 1, 1.5, true, '2024-06-25 21:35:06', '{"a": [1, 2]}', new Uint8Array([1, 2])],
            ['hi', 2, null, false, null, 'null', null],
            ['hey', 3, -2, true, '2020-01-01 00:00:00', '"s"', new Uint8Array([])],
          ])
          .like({ Name: params.like as string | null })
          .limit(params.limit as number | null),
    },
    { overwrite: true },
  );
});

afterAll(async () => {
  uninstallFusion();
  await wire.close();
  await http.close();
  await gateway.close();
});

afterEach(() => {
  installFusion({ enabled: true });
  delete process.env.SINGLESTOREDB_FUSION_ENABLED;
});

describe.each([
  ['wire', () => wire],
  ['http', () => http],
] as const)('Fusion over %s connections', (_name, conn) => {
  it('answers in every row format with a description', async () => {
    const cur = conn().cursor();
    expect(await cur.execute("show greetings like 'h%' limit 2")).toBe(2);
    expect(cur.description!.map((d) => [d.name, d.typeCode])).toEqual([
      ['Name', 254],
      ['N', 8],
      ['X', 5],
      ['Ok', 1],
      ['At', 12],
      ['Doc', 245],
      ['Raw', 252],
    ]);
    const rows = (await cur.fetchall()) as unknown[][];
    expect(rows[0].slice(0, 4)).toEqual(['hello', 1, 1.5, 1]);
    expect(rows[0][4]).toBeInstanceOf(Date);
    expect(rows[0][5]).toEqual({ a: [1, 2] });
    expect(Buffer.from(rows[0][6] as Uint8Array)).toEqual(Buffer.from([1, 2]));
    expect(rows[1]).toEqual(['hi', 2, null, 0, null, null, null]);
    const objects = await conn().query<Record<string, unknown>>('SHOW GREETINGS LIMIT 1', undefined, { resultsType: 'objects' });
    expect(objects).toMatchObject([{ Name: 'hello', N: 1, Ok: 1 }]);
    const named = await conn().query<{ Name: string }>('show   greetings', undefined, { resultsType: 'namedtuples' });
    expect(named.map((r) => r.Name)).toEqual(['hello', 'hi', 'hey']);
  });

  it('answers in every frame format', async () => {
    const columns = await conn().queryFrame('show greetings');
    expect(columns.length).toBe(3);
    expect(columns.names).toEqual(['Name', 'N', 'X', 'Ok', 'At', 'Doc', 'Raw']);
    expect(Array.from(columns.column('N')!.values as ArrayLike<unknown>)).toEqual(
      [1n, 2n, 3n].map((v) => (columns.column('N')!.values instanceof BigInt64Array ? v : Number(v))),
    );
    const arrow = await conn().queryFrame<{ numRows: number; schema: { fields: { name: string }[] }; getChild(n: string): { toArray(): ArrayLike<unknown> } }>(
      'show greetings',
      undefined,
      { resultsType: 'arrow' },
    );
    expect(arrow.numRows).toBe(3);
    expect(arrow.schema.fields.map((f) => f.name)).toEqual(['Name', 'N', 'X', 'Ok', 'At', 'Doc', 'Raw']);
    expect(Array.from(arrow.getChild('Name')!.toArray())).toEqual(['hello', 'hi', 'hey']);
    const polars = await conn().queryFrame<{ height: number; columns: string[]; getColumn(n: string): { toArray(): unknown[] } }>('show greetings', undefined, {
      resultsType: 'polars',
    });
    expect(polars.height).toBe(3);
    expect(polars.columns).toEqual(['Name', 'N', 'X', 'Ok', 'At', 'Doc', 'Raw']);
    expect(polars.getColumn('Name').toArray()).toEqual(['hello', 'hi', 'hey']);
  });

  it('streams from an unbuffered cursor', async () => {
    const cur = conn().cursor({ buffered: false });
    await cur.execute('show greetings');
    expect(((await cur.fetchone()) as unknown[])[0]).toBe('hello');
    expect((await cur.fetchall()).length).toBe(2);
  });

  it('passes other SQL through, and parameters are interpolated before matching', async () => {
    expect(await conn().query('SELECT 1 + 1 AS two')).toEqual([[2]]);
    expect(await conn().query('SHOW GREETINGS LIKE %s', ['he%'])).toHaveLength(2);
    // A leading comment sends the statement to the server, as in the reference.
    await expect(conn().query('/* x */ SHOW GREETINGS')).rejects.toBeInstanceOf(ProgrammingError);
  });

  it('a statement that does not parse is a FusionSyntaxError with the syntax; the connection stays usable', async () => {
    const err = await conn()
      .query('show greetings bogus')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FusionSyntaxError);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as Error).message).toContain("Expecting:\n\n  SHOW GREETINGS [ LIKE '<pattern>' ] [ LIMIT <integer> ];");
    expect(await conn().query('SELECT 3')).toEqual([[3]]);
  });

  it('handler failures surface as they are, without breaking the connection', async () => {
    registerFusionCommand(
      {
        grammar: 'FAIL NOW;',
        run: () => {
          throw new RangeError('boom');
        },
      },
      { overwrite: true },
    );
    await expect(conn().query('fail now')).rejects.toThrow('boom');
    expect(await conn().query('SELECT 4')).toEqual([[4]]);
  });

  it('a statement signal or timeout cancels a command with OperationalError', async () => {
    registerFusionCommand(
      { grammar: 'SLOW CMD;', run: (_p, ctx) => new Promise((resolve) => ctx.signal?.addEventListener('abort', () => setTimeout(() => resolve(null), 10))) },
      { overwrite: true },
    );
    const timedOut = await conn()
      .query('slow cmd', undefined, { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(OperationalError);
    const controller = new AbortController();
    const pending = conn()
      .query('slow cmd', undefined, { signal: controller.signal })
      .catch((e: unknown) => e);
    controller.abort(new Error('stop'));
    expect(await pending).toBeInstanceOf(OperationalError);
    expect(await conn().query('SELECT 5')).toEqual([[5]]);
  });

  it('commands without a result: no description, rowcount 0', async () => {
    registerFusionCommand({ grammar: 'DO NOTHING;', run: () => null }, { overwrite: true });
    const cur = conn().cursor();
    expect(await cur.execute('do nothing;')).toBe(0);
    expect(cur.description).toBeNull();
    expect(await conn().execute('do nothing')).toMatchObject({ rowcount: 0 });
  });

  it('SHOW FUSION COMMANDS / GRAMMAR / HELP', async () => {
    const all = await conn().query<[string]>('show fusion commands');
    expect(all.some(([c]) => c.startsWith('SHOW FUSION GRAMMAR'))).toBe(true);
    expect(all.some(([c]) => c.startsWith('SHOW GREETINGS'))).toBe(true);
    const own = await conn().query<[string]>('show fusion commands like "show fusion%"');
    expect(own.map(([c]) => c.split(' ').slice(0, 3).join(' '))).toEqual(['SHOW FUSION COMMANDS', 'SHOW FUSION GRAMMAR', 'SHOW FUSION HELP']);
    const [[grammar]] = await conn().query<[string]>('show fusion grammar for "show greetings"');
    expect(grammar.trim()).toMatch(/^SHOW GREETINGS/);
    const [[help]] = await conn().query<[string]>("show fusion help for 'show greetings'");
    expect(help).toBe(
      "# SHOW GREETINGS \n\nTest command with every column type.\n\n## Syntax\n\n```sql\nSHOW GREETINGS [ LIKE '<pattern>' ] [ LIMIT <integer> ];\n```\n",
    );
  });
});

describe('enabling', () => {
  it('follows SINGLESTOREDB_FUSION_ENABLED on every statement when no option is given', async () => {
    installFusion({ enabled: undefined });
    process.env.SINGLESTOREDB_FUSION_ENABLED = '0';
    await expect(wire.query('show fusion commands')).rejects.toBeInstanceOf(ProgrammingError);
    process.env.SINGLESTOREDB_FUSION_ENABLED = 'yes';
    expect((await wire.query('show fusion commands')).length).toBeGreaterThan(3);
    process.env.SINGLESTOREDB_FUSION_ENABLED = 'off';
    await expect(wire.query('show fusion commands')).rejects.toBeInstanceOf(ProgrammingError);
  });

  it('an explicit option wins; uninstalling removes the hook', async () => {
    process.env.SINGLESTOREDB_FUSION_ENABLED = '1';
    installFusion({ enabled: false });
    await expect(wire.query('show fusion commands')).rejects.toBeInstanceOf(ProgrammingError);
    installFusion({ enabled: true });
    expect(getStatementHook()).not.toBeNull();
    uninstallFusion();
    expect(getStatementHook()).toBeNull();
    await expect(wire.query('show fusion commands')).rejects.toBeInstanceOf(ProgrammingError);
  });

  it('validators see each top-level parameter (defaults included) and may replace or reject it', async () => {
    const seen: unknown[] = [];
    registerFusionCommand(
      {
        grammar: 'CHECK ME [ <limit> ];',
        validators: {
          limit: (v) => {
            if (typeof v === 'number' && v > 10) throw new RangeError('limit too large');
            return v ?? 3;
          },
        },
        run: (params) => {
          seen.push(params.limit);
          return null;
        },
      },
      { overwrite: true },
    );
    await wire.query('check me');
    await wire.query('check me limit 7');
    await expect(wire.query('check me limit 11')).rejects.toThrow('limit too large');
    expect(seen).toEqual([3, 7]);
    expect(await wire.query("show fusion grammar for 'no such command'")).toEqual([]);
    expect(await wire.query("show fusion help for 'no such command'")).toEqual([]);
  });

  it('registering a key twice needs overwrite', () => {
    const registry = installFusion();
    registry.register({ grammar: 'TWICE CMD;', run: () => null });
    expect(() => registry.register({ grammar: 'TWICE CMD;', run: () => null })).toThrow(/command already exists/);
    expect(registry.unregister('twice  cmd')).toBe(true);
  });
});
