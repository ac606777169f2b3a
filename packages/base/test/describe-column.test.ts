import { describe, expect, it } from 'vitest';
import { describeColumn, FieldType } from '@s2/base';
import { col } from './support/rows.js';

const sizes = (...args: Parameters<typeof col>) => {
  const d = describeColumn(col(...args));
  return [d.internalSize, d.precision];
};

describe('describeColumn sizes (Python SDK protocol.py description)', () => {
  it('counts a VARCHAR in characters for both size and precision on 1/2/3-byte charsets, in bytes otherwise', () => {
    expect(sizes('v', FieldType.VAR_STRING, { charset: 33, length: 60 })).toEqual([20, 20]);
    expect(sizes('v', FieldType.VAR_STRING, { charset: 88, length: 40 })).toEqual([20, 20]);
    expect(sizes('v', FieldType.VAR_STRING, { charset: 8, length: 20 })).toEqual([20, 20]);
    // utf8mb4 (45), binary (63) and the Data API's charset 0 stay as given.
    expect(sizes('v', FieldType.VAR_STRING, { charset: 45, length: 80 })).toEqual([80, 80]);
    expect(sizes('v', FieldType.VAR_STRING, { charset: 63, length: 8 })).toEqual([8, 8]);
    expect(sizes('v', FieldType.VAR_STRING, { charset: 0, length: 20 })).toEqual([20, 20]);
    // Only VARCHAR/VARBINARY: CHAR and TEXT keep their byte lengths, as in the reference.
    expect(sizes('c', FieldType.STRING, { charset: 33, length: 30 })).toEqual([30, 30]);
    expect(sizes('t', FieldType.BLOB, { charset: 33, length: 196605 })).toEqual([196605, 196605]);
  });

  it('takes sign and decimal point off a DECIMAL precision, and nothing off a length of 0', () => {
    expect(sizes('d', FieldType.NEWDECIMAL, { length: 12, decimals: 3 })).toEqual([12, 10]);
    expect(sizes('d', FieldType.NEWDECIMAL, { length: 6, decimals: 0 })).toEqual([6, 5]);
    expect(sizes('d', FieldType.DECIMAL, { length: 67, decimals: 30 })).toEqual([67, 65]);
    expect(sizes('d', FieldType.NEWDECIMAL, { length: 0, decimals: 0 })).toEqual([0, 0]);
    expect(sizes('d', FieldType.NEWDECIMAL, { length: 0, decimals: 2 })).toEqual([0, 0]);
  });
});
