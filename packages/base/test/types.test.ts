import { describe, expect, it } from 'vitest';
import { BINARY, ColumnType, DATETIME, DateFromTicks, NUMBER, ROWID, STRING, Timestamp } from '@s2/base';

describe('DB-API type objects', () => {
  it('entries are named by their first name and equal their codes and aliases', () => {
    expect(ColumnType.get('dec').name).toBe('DECIMAL');
    expect(ColumnType.get('BOOL').name).toBe('TINY');
    expect(ColumnType.get('bool').equals(1)).toBe(true);
    expect(ColumnType.get('LONG').equals('int')).toBe(true);
    expect(ColumnType.get('LONG').equals(8)).toBe(false);
  });
  it('groups follow the reference', () => {
    expect(NUMBER.equals(246)).toBe(true);
    expect(NUMBER.equals('BIGINT')).toBe(true);
    expect(STRING.equals(254) && BINARY.equals(254)).toBe(true);
    expect(STRING.equals(252) && BINARY.equals(252)).toBe(true);
    expect(DATETIME.equals(12) && DATETIME.equals(7)).toBe(true);
    expect(DATETIME.equals(10)).toBe(false);
    expect(ROWID.equals(0)).toBe(false);
    expect(String(NUMBER)).toMatch(/^<NumberDBAPIType object \[.*246.*BIGINT.*BIT.*BOOL.*DECIMAL.*LONG.*\]>$/);
  });
  it('getCode and getName map names, codes and host types', () => {
    expect(ColumnType.getCode('bigint')).toBe(8);
    expect(ColumnType.getName('string')).toBe('VARBINARY');
    expect(ColumnType.getName('dec')).toBe('DECIMAL');
    expect(ColumnType.getName('bool')).toBe('TINY');
    expect(ColumnType.getName(252)).toBe('BLOB');
    expect(() => ColumnType.get('nope')).toThrow();
  });
  it('constructors use local time', () => {
    const ticks = new Date(2021, 5, 7, 8, 9, 10).getTime() / 1000;
    expect(DateFromTicks(ticks).getTime()).toBe(new Date(2021, 5, 7).getTime());
    expect(Timestamp(2021, 6, 7, 8, 9, 10).getTime()).toBe(ticks * 1000);
  });
});
