import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from './json.ts';

describe('parseJsonLossless', () => {
  it('keeps integers above 2^53 exact as digit strings', () => {
    const parsed = parseJsonLossless(
      '{"id":24886749771200001,"tag":48926435156960001,"neg":-9007199254740993}',
    );
    expect(parsed).toEqual({ id: '24886749771200001', tag: '48926435156960001', neg: '-9007199254740993' });
  });

  it('leaves safe integers, fractions and exponents as numbers', () => {
    const parsed = parseJsonLossless('[9007199254740991, 0, -3, 1.5, 2e3, 12345678901234567.5]');
    expect(parsed).toEqual([9007199254740991, 0, -3, 1.5, 2000, Number('12345678901234567.5')]);
  });

  it('does not touch digits inside strings, escaped quotes included', () => {
    const text = '{"a":"x\\" 24886749771200001 \\\\","b":24886749771200002,"c":"24886749771200003"}';
    expect(parseJsonLossless(text)).toEqual({
      a: 'x" 24886749771200001 \\',
      b: '24886749771200002',
      c: '24886749771200003',
    });
  });

  it('keeps big integers exact inside arrays and nested objects', () => {
    const parsed = parseJsonLossless(
      '{"data":{"galleries":[{"id":31415926535897932}],"indexHash":[18446744073709551615]}}',
    );
    expect(parsed).toEqual({
      data: { galleries: [{ id: '31415926535897932' }], indexHash: ['18446744073709551615'] },
    });
  });

  it.each([
    ['HTML', '<html><body>502 Bad Gateway</body></html>'],
    ['truncated', '{"data":{"galleries":[{"id":24886749771200001'],
    ['empty', ''],
    ['an invalid number that quoting would hide', '{"id":0124886749771200001}'],
  ])('rejects %s', (_, text) => {
    expect(() => parseJsonLossless(text)).toThrow(SyntaxError);
  });
});
