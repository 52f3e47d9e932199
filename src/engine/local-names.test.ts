import { describe, expect, it } from 'vitest';
import { duplicateSuffix, safeFileName, safeFolderName, sameFileKey } from './local-names.ts';

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;
/** No half of a surrogate pair left alone (a cut through an emoji). */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

/**
 * Chrome's test of a path component for chrome.downloads (net::IsSafePortablePathComponent),
 * restated from its source so a name that slips through any rule fails here and not in a browser.
 */
function chromeRefuses(name: string): string | undefined {
  if (name === '') return 'empty';
  if (/["*/:<>?\\|~\p{Cc}\p{Cf}\p{Cs}]/u.test(name)) return 'an illegal character';
  if (/^[\s.]|[\s.]$/u.test(name)) return 'a space or dot at an end';
  if (/^(con|prn|aux|nul|com[1-9]|lpt[1-9]|clock\$)(\.|$)|^(desktop\.ini|thumbs\.db)$/i.test(name))
    return 'a Windows device name';
  if (/\.(lnk|local|\{.*\})$/i.test(name)) return 'a shell extension';
  return undefined;
}

/** Names from test/fakes/library/bad-inputs.ts and worse. */
const AWKWARD_NAMES = [
  '',
  '   ',
  ' .hidden. ',
  '很长的相册名称'.padEnd(307, '非常'),
  'رحلة العائلة \u202e2024\u202c',
  '🏖️ 海边 👨‍👩‍👧‍👦',
  'Trips/2024\\Summer: "best" <of>?*|',
  ' Trip ',
  '照片 №1 — café «été».jpg',
  `IMG_${'a'.repeat(260)}.jpg`,
  `${'长'.repeat(100)}.jpg`,
  `${'😀'.repeat(100)}.jpg`,
  'IMG_20240301_120400',
  'CON.jpg',
  'nul',
  'desktop.ini',
  'shortcut.lnk',
  'a\u0000b\nc~d.jpg',
  '...',
];
/** As test titles: long names cut short. */
const AWKWARD = AWKWARD_NAMES.map((name) => [JSON.stringify(name).slice(0, 32), name]);

describe('safeFileName', () => {
  it.each(AWKWARD)('makes %s a name Chrome saves on every system', (_, name) => {
    const safe = safeFileName(name, '24886749771200001');
    expect(chromeRefuses(safe)).toBeUndefined();
    expect(safe.length).toBeLessThanOrEqual(120);
    expect(utf8Bytes(safe)).toBeLessThanOrEqual(200);
    expect(wellFormed(safe)).toBe(true);
  });

  it('keeps ordinary and non-ASCII names, and names without an extension, as they are', () => {
    for (const name of ['IMG_0001.JPG', '照片 №1 — café «été».jpg', 'IMG_20240301_120400', 'a b.c.jpeg'])
      expect(safeFileName(name, 'x')).toBe(name);
  });

  it('replaces path separators and reserved characters, and drops invisible controls', () => {
    expect(safeFileName('Trips/2024\\Summer: "best" <of>?*|.jpg', 'x')).toBe(
      'Trips_2024_Summer_ _best_ _of____.jpg',
    );
    expect(safeFileName('a\u0000b\nc~d.jpg', 'x')).toBe('a_b_c_d.jpg');
    expect(safeFileName('رحلة \u202e2024\u202c.jpg', 'x')).toBe('رحلة 2024.jpg');
    expect(safeFileName('👨‍👩‍👧.jpg', 'x')).toBe('👨👩👧.jpg');
  });

  it('shortens a long name before its extension, by characters and by UTF-8 bytes', () => {
    const ascii = safeFileName(`IMG_${'a'.repeat(300)}.jpg`, 'x');
    expect(ascii).toBe(`IMG_${'a'.repeat(112)}.jpg`);
    const chinese = safeFileName(`${'长'.repeat(100)}.jpg`, 'x');
    expect(chinese).toBe(`${'长'.repeat(65)}.jpg`);
  });

  it('never splits an emoji when it shortens', () => {
    const name = safeFileName(`${'😀'.repeat(100)}.jpg`, 'x');
    expect(wellFormed(name)).toBe(true);
    expect(name.endsWith('😀.jpg')).toBe(true);
  });

  it('puts the number of a repeated name before the extension, also when shortening', () => {
    expect(safeFileName('IMG_0001.JPG', 'x', duplicateSuffix(2))).toBe('IMG_0001 (2).JPG');
    expect(safeFileName('IMG_20240301_120400', 'x', duplicateSuffix(3))).toBe('IMG_20240301_120400 (3)');
    const long = safeFileName(`${'a'.repeat(300)}.mp4`, 'x', duplicateSuffix(12));
    expect(long.endsWith(' (12).mp4')).toBe(true);
    expect(long).toHaveLength(120);
  });

  it('renames what Windows reserves, and disarms extensions the shell acts on', () => {
    expect(safeFileName('CON.jpg', 'x')).toBe('_CON.jpg');
    expect(safeFileName('lpt1', 'x')).toBe('_lpt1');
    expect(safeFileName('Thumbs.db', 'x')).toBe('_Thumbs.db');
    expect(safeFileName('CONSOLE.jpg', 'x')).toBe('CONSOLE.jpg');
    expect(safeFileName('shortcut.lnk', 'x')).toBe('shortcut.lnk_');
    expect(safeFolderName('Album.{20D04FE0-3AEA-1069-A2D8-08002B30309D}', 'x')).toBe(
      'Album.{20D04FE0-3AEA-1069-A2D8-08002B30309D}_',
    );
  });

  it('names a file with nothing usable left by the fallback', () => {
    expect(safeFileName('...', '24886749771200001')).toBe('24886749771200001');
    expect(safeFileName('\u202e\u202c', '24886749771200001')).toBe('24886749771200001');
  });
});

describe('safeFolderName', () => {
  it.each(AWKWARD)('makes %s a folder name Chrome accepts', (_, name) => {
    const safe = safeFolderName(name, 'Album 40000000000000001');
    expect(chromeRefuses(safe)).toBeUndefined();
    expect(safe.length).toBeLessThanOrEqual(60);
    expect(utf8Bytes(safe)).toBeLessThanOrEqual(150);
  });

  it('keeps a dot inside a name, and numbers a repeated one', () => {
    expect(safeFolderName('Trip 2024.06', 'x')).toBe('Trip 2024.06');
    expect(safeFolderName(' Trip ', 'x', duplicateSuffix(2))).toBe('Trip (2)');
  });

  it('falls back for a name of spaces only', () => {
    expect(safeFolderName('   ', 'Album 40000000000000002')).toBe('Album 40000000000000002');
  });
});

describe('sameFileKey', () => {
  it('takes names as one file system would: case and Unicode normalisation aside', () => {
    expect(sameFileKey('Mi Cloud/Trip/IMG.JPG')).toBe(sameFileKey('Mi Cloud/trip/img.jpg'));
    expect(sameFileKey('caf\u00e9.jpg')).toBe(sameFileKey('cafe\u0301.jpg'));
    expect(sameFileKey('a.jpg')).not.toBe(sameFileKey('b.jpg'));
  });
});
