import { describe, expect, it } from 'vitest';
import { matchCreatedItems } from './reconcile.ts';

const T = Date.parse('2024-07-14T10:21:08Z');

describe('matchCreatedItems', () => {
  it('finds created items by file name', () => {
    const found = [
      { id: 'A', filename: 'IMG_1.JPG' },
      { id: 'B', filename: 'IMG_2.JPG' },
    ];
    const matches = matchCreatedItems(
      [
        { key: 'x2', fileName: 'IMG_2.JPG' },
        { key: 'x3', fileName: 'IMG_3.JPG' },
      ],
      found,
      new Set(),
    );
    expect([...matches]).toEqual([['x2', found[1]]]);
  });

  it('tells items of the same name apart by the closest creation time', () => {
    const found = [
      { id: 'late', filename: 'IMG_1.JPG', creationTime: T + 86_400_000 },
      { id: 'early', filename: 'IMG_1.JPG', creationTime: T },
    ];
    const matches = matchCreatedItems(
      [
        { key: 'first', fileName: 'IMG_1.JPG', creationTime: T + 1000 },
        { key: 'second', fileName: 'IMG_1.JPG', creationTime: T + 86_000_000 },
      ],
      found,
      new Set(),
    );
    expect(matches.get('first')?.id).toBe('early');
    expect(matches.get('second')?.id).toBe('late');
  });

  it('uses each found item once and never one already recorded', () => {
    const found = [
      { id: 'recorded', filename: 'IMG_1.JPG', creationTime: T },
      { id: 'free', filename: 'IMG_1.JPG', creationTime: T + 5_000 },
    ];
    const matches = matchCreatedItems(
      [
        { key: 'a', fileName: 'IMG_1.JPG', creationTime: T },
        { key: 'b', fileName: 'IMG_1.JPG', creationTime: T },
      ],
      found,
      new Set(['recorded']),
    );
    expect(matches.get('a')?.id).toBe('free');
    expect(matches.has('b')).toBe(false);
  });

  it('compares names as sent (base name) and Unicode-normalised', () => {
    const found = [{ id: 'A', filename: 'cafe\u0301.jpg' }];
    const matches = matchCreatedItems([{ key: 'k', fileName: 'album/caf\u00e9.jpg' }], found, new Set());
    expect(matches.get('k')?.id).toBe('A');
  });
});
