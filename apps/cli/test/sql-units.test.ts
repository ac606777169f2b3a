import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OptionError, SqlDateTime, SqlTime } from '@s2/base';
import type { Connection } from '@s2/core';
import { cellText, render } from '../src/sql/render.js';
import { historyEntry, keepInHistory, runRepl } from '../src/sql/repl.js';
import { splitStatements, StatementSplitter } from '../src/sql/split.js';

describe('statement splitting', () => {
  it('ends statements at ; \\g and \\G outside quotes and comments', () => {
    const script = [
      'SELECT \'a;b\', "c\\";d", `e;f`; SELECT 2\\G',
      '-- a comment; with a semicolon',
      'SELECT /* ; */ 3 # trailing; comment',
      '; SELECT 4\\g SELECT 5',
    ].join('\n');
    expect(splitStatements(script)).toEqual([
      { sql: 'SELECT \'a;b\', "c\\";d", `e;f`', terminator: ';' },
      { sql: 'SELECT 2', terminator: '\\G' },
      { sql: 'SELECT /* ; */ 3', terminator: ';' },
      { sql: 'SELECT 4', terminator: ';' },
      { sql: 'SELECT 5', terminator: ';' },
    ]);
  });

  it('keeps a statement pending across lines, inside an open quote too, until it ends', () => {
    const s = new StatementSplitter();
    expect(s.push('SELECT 1 +')).toEqual([]);
    expect(s.pending).toBe(true);
    expect(s.push("  'it''s")).toEqual([]);
    expect(s.push("';")).toEqual([{ sql: "SELECT 1 +\n  'it''s\n'", terminator: ';' }]);
    expect(s.pending).toBe(false);
    s.push('SELECT oops');
    s.reset();
    expect(s.pending).toBe(false);
    expect(s.flush()).toEqual([]);
  });
});

describe('DELIMITER', () => {
  it('changes what ends a statement, between statements only, and keeps \\g and \\G', () => {
    const script = [
      'DELIMITER //',
      'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END//',
      "SELECT '//' AS s, 1 AS t\\G",
      'delimiter $$ ignored words',
      'SELECT 3 $$ SELECT 4;',
      '$$',
      "DELIMITER ';'",
      'SELECT 5; SELECT 6',
    ].join('\n');
    expect(splitStatements(script)).toEqual([
      { sql: 'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END', terminator: ';' },
      { sql: "SELECT '//' AS s, 1 AS t", terminator: '\\G' },
      { sql: 'SELECT 3', terminator: ';' },
      { sql: 'SELECT 4;', terminator: ';' },
      { sql: 'SELECT 5', terminator: ';' },
      { sql: 'SELECT 6', terminator: ';' },
    ]);
  });

  it('is SQL text inside a statement, survives a reset, and needs an argument without a backslash', () => {
    const s = new StatementSplitter();
    expect(s.push('SELECT 1 AS')).toEqual([]);
    expect(s.push('delimiter;')).toEqual([{ sql: 'SELECT 1 AS\ndelimiter', terminator: ';' }]);
    s.push('DELIMITER //');
    s.push('SELECT 2');
    s.reset();
    expect(s.delimiter).toBe('//');
    expect(() => s.push('DELIMITER')).toThrow(OptionError);
    expect(() => s.push('DELIMITER \\x')).toThrow(/backslash/);
    expect(s.delimiter).toBe('//');
  });
});

describe('output formats', () => {
  const table = {
    columns: ['id', 'name', 'note'],
    numeric: [true, false, false],
    rows: [
      [1n, 'ant', null],
      [22, 'b\tc', 'x,"y"'],
    ],
  };

  it('aligns tables, numbers to the right', () => {
    expect(render('table', table)).toBe(
      [
        '+----+------+-------+',
        '| id | name | note  |',
        '+----+------+-------+',
        '|  1 | ant  | NULL  |',
        '| 22 | b\\tc | x,"y" |',
        '+----+------+-------+',
        '',
      ].join('\n'),
    );
  });

  it('flattens line breaks and tabs in column names as in cells, so the grid holds', () => {
    const odd = { columns: ['a\tb', 'line\none', 'cr\rx'], numeric: [false, false, false], rows: [['1', '2', '3']] };
    expect(render('table', odd)).toBe(
      [
        '+------+-----------+-------+',
        '| a\\tb | line\\none | cr\\rx |',
        '+------+-----------+-------+',
        '| 1    | 2         | 3     |',
        '+------+-----------+-------+',
        '',
      ].join('\n'),
    );
  });

  it('writes vertical rows, CSV, TSV and JSON lines', () => {
    expect(render('vertical', table)).toContain('*************************** 2. row ***************************\n  id: 22\nname: b\tc\nnote: x,"y"\n');
    expect(render('csv', table)).toBe('id,name,note\r\n1,ant,\r\n22,b\tc,"x,""y"""\r\n');
    expect(render('tsv', table)).toBe('id\tname\tnote\n1\tant\t\\N\n22\tb\\tc\tx,"y"\n');
    expect(render('json', table)).toBe('{"id":"1","name":"ant","note":null}\n{"id":22,"name":"b\\tc","note":"x,\\"y\\""}\n');
  });
});

describe('cell text', () => {
  const dt = new SqlDateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 123), 123456, { year: 2024, month: 1, day: 2, hour: 3, minute: 4, second: 5 }, 6);

  it('prints a SqlDateTime with its microseconds, not as the Date it also is', () => {
    expect(cellText(dt)).toBe('2024-01-02 03:04:05.123456');
    expect(cellText(new SqlTime(-1, 838, 59, 58, 500_000))).toBe('-838:59:58.500000');
  });

  it('writes binary as 0x hex in JSON, nested too, and temporal values as their SQL text', () => {
    const t = {
      columns: ['b', 'j', 'd', 'n'],
      numeric: [false, false, false, true],
      rows: [[Buffer.from([0, 255]), { inner: new Uint8Array([1]), big: 2n ** 64n }, dt, 2n ** 64n]],
    };
    expect(render('json', t)).toBe(
      '{"b":"0x00ff","j":{"inner":"0x01","big":"18446744073709551616"},"d":"2024-01-02 03:04:05.123456","n":"18446744073709551616"}\n',
    );
  });

  it('tells NULL (empty, unquoted) from an empty string ("") in CSV', () => {
    expect(render('csv', { columns: ['a', 'b', 'c'], numeric: [false, false, false], rows: [[null, '', 'NULL']] })).toBe('a,b,c\r\n,"",NULL\r\n');
  });
});

describe('shell history', () => {
  it('keeps ordinary statements and drops lines that may carry a password', () => {
    expect(keepInHistory('SELECT 1;')).toBe(true);
    expect(keepInHistory('   ')).toBe(false);
    expect(keepInHistory("CREATE USER app IDENTIFIED BY 's3cret';")).toBe(false);
    expect(keepInHistory("ALTER USER app identified by 'x';")).toBe(false);
    expect(keepInHistory("SET PASSWORD FOR app = PASSWORD('x');")).toBe(false);
  });
});

/** Just enough of a Connection for the prompt: every statement succeeds with no result set. */
function quietConnection(ran: string[]): Connection {
  return {
    isConnected: () => true,
    cursor: () => ({
      description: null,
      rowcount: 0,
      warningCount: 0,
      async execute(sql: string) {
        ran.push(sql);
      },
      nextset: async () => false,
      close: async () => {},
    }),
  } as unknown as Connection;
}

/** A terminal-like stdin/stdout pair for runRepl, the output collected as text. */
function terminal(): { stdin: PassThrough & { isTTY: boolean }; stdout: PassThrough & { isTTY: boolean }; shown: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { stdin, stdout, shown: () => text };
}

const noReconnect = async (): Promise<Connection> => {
  throw new Error('no reconnect expected');
};

describe('keys at the prompt', () => {
  it('Ctrl-C forgets the half-typed line, on the first line and on a continuation line', async () => {
    const t = terminal();
    const ran: string[] = [];
    const done = runRepl(
      quietConnection(ran),
      { stdin: t.stdin, stdout: t.stdout, stderr: new PassThrough(), env: { S2_HISTFILE: join(mkdtempSync(join(tmpdir(), 's2-keys-')), 'h') } },
      'table',
      noReconnect,
    );
    // \x03 is what a terminal sends for Ctrl-C; readline turns it into SIGINT.
    // Typed in bursts, as a person types: each line is handled before the next key arrives.
    const typed = ["SELECT 'should be gone'\x03", 'SELECT 1,\r', '2\x03', 'SELECT 3;\r', '\\q\r'];
    for (const keys of typed) {
      t.stdin.write(keys);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await done).toBe(0);
    expect(ran).toEqual(['SELECT 3']);
    expect(t.shown()).toContain('^C (\\q or Ctrl-D to leave)');
  });

  it('Ctrl-D while a statement runs: its result comes first, then Bye', async () => {
    const t = terminal();
    let finish = () => {};
    let started = () => {};
    const executing = new Promise<void>((r) => (started = r));
    const slow = {
      isConnected: () => true,
      cursor: () => ({
        description: null,
        rowcount: 7,
        warningCount: 0,
        execute: () =>
          new Promise<void>((resolve) => {
            finish = resolve;
            started();
          }),
        nextset: async () => false,
        close: async () => {},
      }),
    } as unknown as Connection;
    const done = runRepl(
      slow,
      { stdin: t.stdin, stdout: t.stdout, stderr: new PassThrough(), env: { S2_HISTFILE: join(mkdtempSync(join(tmpdir(), 's2-keys-')), 'h') } },
      'table',
      noReconnect,
    );
    t.stdin.write('UPDATE t SET a = 1;\r');
    await executing;
    // \x04 on an empty line is Ctrl-D: readline closes, and pauses its input when it does.
    t.stdin.write('\x04');
    while (!t.stdin.isPaused()) await new Promise((r) => setTimeout(r, 10));
    expect(t.shown()).not.toContain('Bye');
    finish();
    expect(await done).toBe(0);
    const shown = t.shown();
    expect(shown.indexOf('Query OK, 7 rows affected')).toBeGreaterThan(-1);
    expect(shown.indexOf('Bye')).toBeGreaterThan(shown.indexOf('Query OK, 7 rows affected'));
  });
});

describe('shell history of the prompt', () => {
  it('saves whole statements once they end, and none that carries a password on any of its lines', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 's2-history-')), 'history');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    stdout.resume();
    const ran: string[] = [];
    const done = runRepl(quietConnection(ran), { stdin, stdout, stderr: new PassThrough(), env: { S2_HISTFILE: file } }, 'table', async () => {
      throw new Error('no reconnect expected');
    });
    const lines = ['CREATE USER app', 'IDENTIFIED BY', "'hunter2';", 'SELECT 40 +', '2;', 'DELIMITER //', 'SELECT 1; SELECT 2//', 'SELECT 3\\G', '\\q'];
    for (const line of lines) stdin.write(`${line}\r`);
    expect(await done).toBe(0);
    expect(ran).toEqual(["CREATE USER app\nIDENTIFIED BY\n'hunter2'", 'SELECT 40 +\n2', 'SELECT 1; SELECT 2', 'SELECT 3']);
    const saved = readFileSync(file, 'utf8');
    expect(saved).not.toContain('hunter2');
    expect(saved).toBe('SELECT 40 + 2;\nDELIMITER //\nSELECT 1; SELECT 2//\nSELECT 3\\G\n');
  });

  it('writes an entry as one line with the terminator that ended it', () => {
    expect(historyEntry({ sql: 'SELECT 1\n  + 2', terminator: ';' }, '$$')).toBe('SELECT 1   + 2$$');
    expect(historyEntry({ sql: 'SELECT 1', terminator: '\\G' }, ';')).toBe('SELECT 1\\G');
  });
});
