import { describe, expect, it } from 'vitest';
import { databaseChange } from '@s2/base';

describe('databaseChange: what a lone USE or DROP DATABASE does to the current database', () => {
  it.each([
    ['USE nc_b', 'nc_b'],
    ['use nc_b;', 'nc_b'],
    ['USE nc_b -- switch to b', 'nc_b'],
    ['USE nc_b # switch', 'nc_b'],
    ['USE nc_b /* why */', 'nc_b'],
    ['USE nc_b; -- done', 'nc_b'],
    ['USE`nc_b`', 'nc_b'],
    ['USE `my``db`', 'my`db'],
    ['USE nc_café', 'nc_café'],
    ['USE nc_b;;', 'nc_b'],
    ['USE nc_b\n-- trailing', 'nc_b'],
    ['/* lead */ USE\tnc_b', 'nc_b'],
    ['-- note\nUSE nc_b', 'nc_b'],
  ])('%j selects %s', (sql, database) => {
    expect(databaseChange(sql)).toEqual({ kind: 'use', database });
  });

  it.each([
    ['DROP DATABASE nc_d', 'nc_d'],
    ['drop schema if exists `nc_d`;', 'nc_d'],
  ])('%j drops %s', (sql, database) => {
    expect(databaseChange(sql)).toEqual({ kind: 'drop', database });
  });

  it.each([
    'SELECT 1',
    'USE nc_b; SELECT 1',
    'USER()',
    'USE',
    'USE ``',
    '/*!40101 USE nc_b */',
    '/*M!100100 USE nc_b */ USE x',
    'USE nc_b /* never closed',
    'DROP TABLE nc_d',
    'DROP DATABASE IF nc_d',
    '--USE nc_b',
  ])('%j changes nothing it can tell', (sql) => {
    expect(databaseChange(sql)).toBeNull();
  });
});
