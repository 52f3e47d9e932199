import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.ts';

describe('jsonText', () => {
  it('writes bigints as bare digits, which JSON.parse rounds: the trap a client must avoid', () => {
    const text = jsonText({ tag: 48_926_435_156_960_001n, id: '24886749771200001' });
    expect(text).toBe('{"tag":48926435156960001,"id":"24886749771200001"}');
    expect(String((JSON.parse(text) as { tag: number }).tag)).toBe('48926435156960000');
  });

  it('matches JSON.stringify for ordinary values and skips undefined members', () => {
    const value = { a: [1, 'two', null, true, { b: -1.5 }], c: '引号"和\\反斜杠', d: undefined };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => jsonText({ n: Number.NaN })).toThrow(/not a JSON number/);
  });
});
