import { describe, expect, it } from 'vitest';
import { render } from '../src/sql/render.js';
import { keepInHistory } from '../src/sql/repl.js';
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

  it('writes vertical rows, CSV, TSV and JSON lines', () => {
    expect(render('vertical', table)).toContain('*************************** 2. row ***************************\n  id: 22\nname: b\tc\nnote: x,"y"\n');
    expect(render('csv', table)).toBe('id,name,note\r\n1,ant,\r\n22,b\tc,"x,""y"""\r\n');
    expect(render('tsv', table)).toBe('id\tname\tnote\n1\tant\t\\N\n22\tb\\tc\tx,"y"\n');
    expect(render('json', table)).toBe('{"id":"1","name":"ant","note":null}\n{"id":22,"name":"b\\tc","note":"x,\\"y\\""}\n');
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
