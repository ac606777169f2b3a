import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationalError, ParameterError } from '@s2/base';
import { uniqueDatabaseName } from '@s2/testing';
import { pollUntil } from '@s2/testing/vitest';
import type { Connection } from '@s2/core';
import { open } from './support.js';

const db = uniqueDatabaseName('loadrow');
let conn: Connection;
beforeAll(async () => {
  conn = await open({ localInfile: true });
  await conn.execute(`CREATE DATABASE ${db}`);
  await conn.execute(`CREATE TABLE ${db}.t (id INT, v DOUBLE)`);
});
afterAll(async () => {
  await conn.execute(`DROP DATABASE ${db}`);
  await conn.close();
});

describe('load() reports the row of the whole source, whatever the batching', () => {
  for (const batchRows of [undefined, 1000, 7]) {
    it(`a bad value at row 4001 is reported as row 4001 (batchRows ${String(batchRows)})`, async () => {
      const rows = Array.from({ length: 5000 }, (_, i) => [i, i === 4000 ? NaN : i]);
      const err = await conn.load(`${db}.t`, rows, { batchRows }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParameterError);
      expect((err as Error).message).toMatch(/^row 4001: NaN/);
      const [[n]] = await conn.query<[number]>(`SELECT COUNT(*) FROM ${db}.t`);
      expect(Number(n)).toBe(0);
    });
  }
});

describe('executemany says how many rows earlier statements affected', () => {
  it('a failure at row 4,001 of 5,000 reports the committed count', async () => {
    await conn.execute(`CREATE TABLE ${db}.u (id INT PRIMARY KEY, s TEXT)`);
    const sets = Array.from({ length: 5000 }, (_, i) => [i === 4000 ? 0 : i, 'x'.repeat(300)]);
    const err = await conn.executemany(`INSERT INTO ${db}.u VALUES (%s, %s)`, sets).catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1062 });
    const [[n]] = await conn.query<[number]>(`SELECT COUNT(*) FROM ${db}.u`);
    expect((err as { rowsAffectedBefore?: number }).rowsAffectedBefore).toBe(Number(n));
    expect((err as Error).message).toContain(`executemany: ${Number(n)} row(s) affected by earlier statements`);
  });

  it('atomic: true leaves nothing behind when a row fails', async () => {
    await conn.execute(`CREATE TABLE ${db}.w (id INT PRIMARY KEY, s TEXT)`);
    const sets = Array.from({ length: 5000 }, (_, i) => [i === 4000 ? 0 : i, 'x'.repeat(300)]);
    const err = await conn.executemany(`INSERT INTO ${db}.w VALUES (%s, %s)`, sets, { atomic: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errno: 1062, rowsAffectedBefore: 0 });
    const [[n]] = await conn.query<[number]>(`SELECT COUNT(*) FROM ${db}.w`);
    expect(Number(n)).toBe(0);
    expect(
      await conn.executemany(
        `INSERT INTO ${db}.w VALUES (%s, %s)`,
        [
          [1, 'a'],
          [2, 'b'],
        ],
        { atomic: true },
      ),
    ).toBe(2);
    const [[m]] = await conn.query<[number]>(`SELECT COUNT(*) FROM ${db}.w`);
    expect(Number(m)).toBe(2);
    expect(conn.getAutocommit()).toBe(true);
  });
});

describe('load() on a session killed mid-upload', () => {
  for (const atomic of [false, true]) {
    it(`fails at once with OperationalError 2013 (atomic ${atomic})`, async () => {
      await conn.execute(`CREATE TABLE IF NOT EXISTS ${db}.k (id INT, v VARCHAR(100))`);
      const victim = await open({ localInfile: true });
      async function* rows(): AsyncGenerator<[number, string]> {
        for (let i = 0; i < 3_000_000; i++) yield [i, `load-${i}`];
      }
      const loading = victim.load(`${db}.k`, rows(), { atomic }).catch((e: unknown) => e);
      const uploading = async () => {
        const [[n]] = await conn.query<[number]>(
          `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ${victim.connectionId} AND INFO LIKE 'LOAD DATA LOCAL%'`,
        );
        return Number(n) > 0;
      };
      expect(await pollUntil(uploading)).toBe(true);
      await conn.execute(`KILL CONNECTION ${victim.connectionId}`);
      const err = await loading;
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as OperationalError).errno).toBe(2013);
      expect(victim.isConnected()).toBe(false);
      victim.destroy();
    });
  }
});
