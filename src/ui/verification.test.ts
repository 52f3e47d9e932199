import { describe, expect, it } from 'vitest';
import type { AlbumProgress } from '../shared/messages.ts';
import { albumCheck, albumCheckText, isVerified } from './verification.ts';

function album(overrides: Partial<AlbumProgress>): AlbumProgress {
  return {
    xiaomiAlbumId: '1',
    name: '',
    system: 'camera',
    total: 10,
    done: 10,
    skipped: 0,
    failed: 0,
    bytesTotal: 100,
    bytesDone: 100,
    bytesMoved: 100,
    ...overrides,
  };
}

describe('the verdict on an album', () => {
  it('is "safe to let Xiaomi delete" when verified with nothing skipped', () => {
    const check = albumCheck(
      album({ verified: true, verification: { receipt: 10, xiaomi: 10, google: 10 } }),
    );
    expect(check).toEqual({ status: 'verified' });
    expect(albumCheckText(check)).toBe('Verified — safe to let Xiaomi delete');
  });

  it('still names skipped items on a verified album: they are not in Google Photos', () => {
    const check = albumCheck(
      album({ done: 8, skipped: 2, verified: true, verification: { receipt: 10, xiaomi: 10, google: 8 } }),
    );
    expect(check).toEqual({ status: 'verified-with-skips', skipped: 2 });
    expect(isVerified(check)).toBe(true);
    expect(albumCheckText(check)).not.toContain('safe to let Xiaomi delete');
  });

  it('is "not checked" before the end-of-job verification ran', () => {
    expect(albumCheck(album({}))).toEqual({ status: 'not-checked' });
  });

  it('names failed items first', () => {
    const check = albumCheck(
      album({ done: 9, failed: 1, verified: false, verification: { receipt: 9, xiaomi: 10, google: 9 } }),
    );
    expect(check).toEqual({ status: 'items-failed', failed: 1 });
    expect(isVerified(check)).toBe(false);
  });

  it('says when Google Photos could not be counted, or counts differently', () => {
    expect(
      albumCheck(album({ verified: false, verification: { receipt: 10, xiaomi: 10, google: null } })),
    ).toEqual({
      status: 'google-uncounted',
    });
    const differs = albumCheck(
      album({ verified: false, verification: { receipt: 10, xiaomi: 10, google: 7 } }),
    );
    expect(differs).toEqual({ status: 'google-differs', google: 7, moved: 10 });
    expect(albumCheckText(differs)).toBe(
      'Not verified: Google Photos shows 7 in the album, but 10 were moved',
    );
  });

  it('says when Xiaomi lists a different number than the receipt', () => {
    expect(
      albumCheck(album({ verified: false, verification: { receipt: 10, xiaomi: 12, google: 10 } })),
    ).toEqual({
      status: 'xiaomi-differs',
      xiaomi: 12,
      receipt: 10,
    });
  });
});
