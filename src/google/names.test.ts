import { describe, expect, it } from 'vitest';
import { albumTitle, fileNameHeader, mediaItemDescription, mediaItemFileName } from './names.ts';

describe('albumTitle', () => {
  it('keeps titles of up to 500 characters', () => {
    expect(albumTitle('Camera')).toBe('Camera');
    const exact = 'a'.repeat(500);
    expect(albumTitle(exact)).toBe(exact);
  });

  it('cuts longer titles to 497 characters and "..."', () => {
    const title = albumTitle('b'.repeat(501));
    expect(title).toBe(`${'b'.repeat(497)}...`);
    expect(title).toHaveLength(500);
  });

  it('never splits a surrogate pair', () => {
    // '😀' is two UTF-16 units; here it would straddle the 497th and 498th.
    const title = albumTitle(`${'c'.repeat(496)}😀${'d'.repeat(10)}`);
    expect(title).toBe(`${'c'.repeat(496)}...`);
    expect(encodeURIComponent(title)).toBeTruthy(); // throws URIError on a lone surrogate
  });

  it('keeps a pair that ends exactly at the cut', () => {
    expect(albumTitle(`${'c'.repeat(495)}😀${'d'.repeat(10)}`)).toBe(`${'c'.repeat(495)}😀...`);
  });
});

describe('mediaItemDescription', () => {
  it('cuts descriptions over 1000 characters to 997 and "..."', () => {
    expect(mediaItemDescription('e'.repeat(1000))).toHaveLength(1000);
    expect(mediaItemDescription('e'.repeat(1001))).toBe(`${'e'.repeat(997)}...`);
  });
});

describe('mediaItemFileName', () => {
  it('keeps UTF-8 names whole', () => {
    expect(mediaItemFileName('海边 日落 🌅.jpg')).toBe('海边 日落 🌅.jpg');
  });

  it('sends the base name, never a path', () => {
    expect(mediaItemFileName('DCIM/Camera/IMG_0042.JPG')).toBe('IMG_0042.JPG');
    expect(mediaItemFileName('C:\\photos\\IMG_0042.JPG')).toBe('IMG_0042.JPG');
  });

  it('shortens names over 255 characters before the extension, not splitting a pair', () => {
    const name = mediaItemFileName(`${'f'.repeat(249)}😀${'g'.repeat(20)}.jpeg`);
    expect(name).toBe(`${'f'.repeat(249)}.jpeg`);
    expect(mediaItemFileName(`${'h'.repeat(300)}.mp4`)).toBe(`${'h'.repeat(251)}.mp4`);
  });
});

describe('fileNameHeader', () => {
  it('is the name when it is printable ASCII', () => {
    expect(fileNameHeader('IMG_0042 (1).JPG')).toBe('IMG_0042 (1).JPG');
  });

  it('is left out for names a header cannot carry', () => {
    expect(fileNameHeader('海边.jpg')).toBeUndefined();
    expect(fileNameHeader('café.jpg')).toBeUndefined();
    expect(fileNameHeader('line\nbreak.jpg')).toBeUndefined();
  });
});
