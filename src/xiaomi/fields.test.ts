import { describe, expect, it } from 'vitest';
import { readBoolean, readId, readInteger } from './fields.ts';

describe('readId', () => {
  it('accepts digit strings and exact numbers, as strings', () => {
    expect(readId('24886749771200001')).toBe('24886749771200001');
    expect(readId(1000)).toBe('1000');
  });

  it('refuses what cannot be an exact id', () => {
    expect(readId(Number('24886749771200001'))).toBeUndefined();
    expect(readId('12a')).toBeUndefined();
    expect(readId('')).toBeUndefined();
    expect(readId(1.5)).toBeUndefined();
    expect(readId(null)).toBeUndefined();
  });
});

describe('readInteger', () => {
  it('accepts numbers and digit strings', () => {
    expect(readInteger(3145728)).toBe(3145728);
    expect(readInteger('3145728')).toBe(3145728);
    expect(readInteger(' -5 ')).toBe(-5);
  });

  it('refuses fractions, unsafe values and words', () => {
    expect(readInteger(1.5)).toBeUndefined();
    expect(readInteger('48926435156960001')).toBeUndefined();
    expect(readInteger('big')).toBeUndefined();
  });
});

describe('readBoolean', () => {
  it('accepts booleans and their usual spellings only', () => {
    expect([true, 'true', 1, '1'].map(readBoolean)).toEqual([true, true, true, true]);
    expect([false, 'false', 0, '0'].map(readBoolean)).toEqual([false, false, false, false]);
    expect(['yes', null, 2].map(readBoolean)).toEqual([undefined, undefined, undefined]);
  });
});
