/**
 * The per-album verdict a person relies on before letting Xiaomi delete anything. "Verified"
 * alone would overstate it when items were skipped (they are not in Google Photos), so skips are
 * named even on a verified album.
 */
import type { AlbumProgress } from '../shared/messages.ts';
import { formatCount } from './format.ts';
import { t } from './i18n.ts';

export type AlbumCheck =
  | { status: 'verified' }
  | { status: 'verified-with-skips'; skipped: number }
  | { status: 'not-checked' }
  | { status: 'items-failed'; failed: number }
  | { status: 'google-uncounted' }
  | { status: 'google-differs'; google: number; moved: number }
  | { status: 'xiaomi-differs'; xiaomi: number; receipt: number }
  | { status: 'unfinished' };

export function albumCheck(album: AlbumProgress): AlbumCheck {
  if (album.verified)
    return album.skipped > 0
      ? { status: 'verified-with-skips', skipped: album.skipped }
      : { status: 'verified' };
  if (album.failed > 0) return { status: 'items-failed', failed: album.failed };
  const counts = album.verification;
  if (album.verified === undefined || !counts) return { status: 'not-checked' };
  if (counts.google === null) return { status: 'google-uncounted' };
  if (counts.google !== album.done)
    return { status: 'google-differs', google: counts.google, moved: album.done };
  if (counts.xiaomi !== counts.receipt)
    return { status: 'xiaomi-differs', xiaomi: counts.xiaomi, receipt: counts.receipt };
  return { status: 'unfinished' };
}

export function isVerified(check: AlbumCheck): boolean {
  return check.status === 'verified' || check.status === 'verified-with-skips';
}

export function albumCheckText(check: AlbumCheck): string {
  switch (check.status) {
    case 'verified':
      return t('checkVerified');
    case 'verified-with-skips':
      return t('checkVerifiedWithSkips', formatCount(check.skipped));
    case 'not-checked':
      return t('checkNotChecked');
    case 'items-failed':
      return t('checkItemsFailed', formatCount(check.failed));
    case 'google-uncounted':
      return t('checkGoogleUncounted');
    case 'google-differs':
      return t('checkGoogleDiffers', formatCount(check.google), formatCount(check.moved));
    case 'xiaomi-differs':
      return t('checkXiaomiDiffers', formatCount(check.xiaomi), formatCount(check.receipt));
    case 'unfinished':
      return t('checkUnfinished');
  }
}
