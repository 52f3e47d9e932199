import { describe, expect, it } from 'vitest';
import { albumName } from './albums.ts';

describe('album names', () => {
  it('word the system albums, which have no name of their own', () => {
    expect(albumName({ name: '', system: 'screenshots' })).toBe('Screenshots');
    expect(albumName({ name: '', system: 'private' })).toBe('Private album');
  });

  it('keep the person’s own names and mark split parts', () => {
    expect(albumName({ name: '家庭旅行' })).toBe('家庭旅行');
    expect(albumName({ name: '', system: 'camera', part: 2 })).toBe('Camera (part 2)');
    expect(albumName({ name: '' })).toBe('Untitled album');
  });
});
