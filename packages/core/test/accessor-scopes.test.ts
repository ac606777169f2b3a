import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setStatementHook, type Connection } from '@s2/core';
import { open, recordStatements } from './support.js';

let conn: Connection;

beforeAll(async () => {
  conn = await open();
});
afterAll(async () => {
  await conn.close();
});
afterEach(() => {
  setStatementHook(null);
});

describe('vars and clusterVars (wire spec 3.2, 9.2)', () => {
  it('vars reads SHOW VARIABLES and writes SET without a scope keyword (the session here)', async () => {
    const seen = recordStatements();
    expect(await conn.vars.get('autocommit')).toBe(true);
    await conn.vars.set('div_precision_increment', 7);
    expect(await conn.locals.get('div_precision_increment')).toBe('7');
    await conn.vars.setAll({ div_precision_increment: 4, unique_checks: true });
    expect(seen.slice(0, 2)).toEqual(["SHOW VARIABLES LIKE 'autocommit'", 'SET div_precision_increment = 7']);
    expect(seen).toContain("SET div_precision_increment = 4, unique_checks = 'ON'");
  });

  it('clusterVars sends SHOW CLUSTER VARIABLES and SET CLUSTER (SingleStore syntax)', async () => {
    const seen = recordStatements();
    // MariaDB has no CLUSTER scope and refuses both; SingleStore answers. Either way the SQL is what counts.
    await conn.clusterVars.get('autocommit').catch(() => null);
    await conn.clusterVars.set('autocommit', true).catch(() => null);
    expect(seen).toEqual(["SHOW CLUSTER VARIABLES LIKE 'autocommit'", "SET CLUSTER autocommit = 'ON'"]);
  });
});

describe('locals.getAll with sql_select_limit', () => {
  it('finds every named variable although the session caps result rows', async () => {
    const c = await open();
    try {
      await c.execute('SET sql_select_limit = 1');
      expect(await c.locals.getAll(['autocommit', 'sql_select_limit', 'Unique_Checks'])).toEqual({
        autocommit: true,
        sql_select_limit: '1',
        unique_checks: true,
      });
      await expect(c.locals.getAll(['autocommit', 'no_such_variable_here'])).rejects.toThrow(/No variable found with the name\(s\): no_such_variable_here$/);
      expect(await c.locals.getAll([])).toEqual({});
    } finally {
      await c.close();
    }
  });
});

describe('show.procedures (wire spec 9.1)', () => {
  it('sends SHOW PROCEDURES; where the server lacks it, lists the procedures of the current database with Name first', async () => {
    const seen = recordStatements();
    const rows = await conn.show.procedures();
    expect(seen[0]).toBe('SHOW PROCEDURES');
    expect(rows.columns[0]).toBe('Name');
    expect(rows.column('Name')).toContain('get_animal');
    expect(rows.column('Name')).not.toContain(conn.params.database);
  });
});
