/**
 * Wrong types and shapes at every public entry point give a typed s2 error at the call, never a
 * TypeError from deep inside, a later crash at statement time, or a silently dropped value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError, ProgrammingError } from '@s2/base';
import { connect, type Connection } from '@s2/core';
import { testServer } from '@s2/testing/vitest';
import {
  compileGrammar,
  FusionGrammarError,
  FusionRegistry,
  FusionResult,
  FusionValueError,
  installFusion,
  parseStatement,
  registerFusionCommand,
  uninstallFusion,
} from '../src/index.js';

const bad = [undefined, null, 42, {}, ['SHOW X;']] as unknown[];

describe('grammar entry points', () => {
  it.each(bad.map((v) => [v]))('compileGrammar(%j) is a FusionGrammarError', (v) => {
    expect(() => compileGrammar(v as string)).toThrow(FusionGrammarError);
  });

  it('parseStatement refuses a statement that is not a string and a grammar that was not compiled', () => {
    const g = compileGrammar('SHOW THINGS [ <limit> ];');
    for (const v of bad) expect(() => parseStatement(g, v as string)).toThrow(FusionValueError);
    for (const v of [null, {}, 'SHOW THINGS;']) expect(() => parseStatement(v as never, 'show things')).toThrow(FusionValueError);
  });
});

describe('registering commands', () => {
  const registry = () => new FusionRegistry();
  it.each([
    ['null', null],
    ['a string', 'SHOW X;'],
    ['no run', { grammar: 'SHOW X;' }],
    ['run not a function', { grammar: 'SHOW X;', run: 'x' }],
    ['grammar not a string', { grammar: 5, run: (): null => null }],
    ['a validator that is not a function', { grammar: 'SHOW X [ <limit> ];', run: (): null => null, validators: { limit: 5 } }],
    ['validators not an object', { grammar: 'SHOW X;', run: (): null => null, validators: 'x' }],
    ['preview not a boolean', { grammar: 'SHOW X;', run: (): null => null, preview: 'yes' }],
    ['deprecatedBy not a string', { grammar: 'SHOW X;', run: (): null => null, deprecatedBy: 1 }],
  ])('%s is refused when registered', (_label, definition) => {
    const r = registry();
    expect(() => r.register(definition as never)).toThrow(ProgrammingError);
    expect(r.list()).toEqual([]);
  });

  it('a validator for a parameter the grammar does not have is refused (it would never run)', () => {
    const r = registry();
    expect(() => r.register({ grammar: 'SHOW X [ <limit> ];', run: (): null => null, validators: { limt: (v) => v } })).toThrow(
      /validator 'limt' names no parameter of SHOW X \(parameters: limit\)/,
    );
    expect(r.register({ grammar: 'SHOW X [ <limit> ];', run: (): null => null, validators: { limit: (v) => v } }).key).toBe('SHOW X');
  });

  it('registerFusionCommand refuses the same way (nothing is registered)', () => {
    expect(() => registerFusionCommand({ grammar: 'SHOW NO RUN;' } as never)).toThrow(FusionValueError);
    expect(installFusion().get('SHOW NO RUN')).toBeUndefined();
  });
});

describe('installFusion options', () => {
  afterAll(() => uninstallFusion());
  it.each([
    ['a string', 'yes'],
    ['enabled: "no"', { enabled: 'no' }],
    ['enableHidden: 1', { enableHidden: 1 }],
    ['management: "x"', { management: 'x' }],
  ])('%s is an OptionError', (_label, opts) => {
    expect(() => installFusion(opts as never)).toThrow(OptionError);
  });
});

describe('FusionResult', () => {
  it('refuses unknown column types, empty names, rows that are not arrays and non-string patterns', () => {
    expect(() => new FusionResult().addField('A', 'VARCHAR' as never)).toThrow(FusionValueError);
    expect(() => new FusionResult().addField('', 'STRING')).toThrow(FusionValueError);
    expect(() => new FusionResult().addField('A', 'STRING').setRows('x' as never)).toThrow(FusionValueError);
    expect(() => new FusionResult().addField('A', 'STRING').setRows(['x'] as never)).toThrow(FusionValueError);
    expect(() =>
      new FusionResult()
        .addField('A', 'STRING')
        .setRows([['x']])
        .like({ A: 5 as never }),
    ).toThrow(FusionValueError);
    expect(() =>
      new FusionResult()
        .addField('A', 'STRING')
        .setRows([['x']])
        .limit('3' as never),
    ).toThrow(FusionValueError);
  });
});

describe('handlers with a bad answer, over a connection', () => {
  let conn: Connection;
  beforeAll(async () => {
    const info = testServer();
    conn = await connect(`${info.url}/${info.database}`);
    installFusion({ enabled: true });
    registerFusionCommand({ grammar: 'SHOW WIDE ROWS;', run: () => new FusionResult().addField('A', 'STRING').setRows([['a', 'lost']]) }, { overwrite: true });
    registerFusionCommand({ grammar: 'SHOW NOT A RESULT;', run: () => [['a']] as never }, { overwrite: true });
    registerFusionCommand(
      {
        grammar: 'SHOW THROWING;',
        run: () => {
          throw new TypeError('boom');
        },
      },
      { overwrite: true },
    );
  });
  afterAll(async () => {
    uninstallFusion();
    await conn.close();
  });

  it('a row with more cells than columns is an error, not a silently dropped cell', async () => {
    await expect(conn.query('show wide rows')).rejects.toThrow(FusionValueError);
    await expect(conn.query('show wide rows')).rejects.toThrow(/row 1 has 2 values for 1 column/);
  });

  it('a handler that returns something other than a FusionResult is a FusionValueError', async () => {
    await expect(conn.query('show not a result')).rejects.toThrow(FusionValueError);
  });

  it('after failing handlers the connection still works', async () => {
    await expect(conn.query('show throwing')).rejects.toThrow('boom');
    expect(await conn.query('SELECT 1 AS x', undefined, { resultsType: 'objects' })).toEqual([{ x: 1 }]);
  });
});

describe("core's statement hook slot", () => {
  it('setStatementHook refuses anything but a function or null, and the installed hook stays', async () => {
    const { getStatementHook, setStatementHook } = await import('@s2/core');
    const before = getStatementHook();
    for (const v of [42, 'hook', {}, undefined]) expect(() => setStatementHook(v as never)).toThrow(OptionError);
    expect(getStatementHook()).toBe(before);
  });
});
