/** Small pieces every page shows the same way. */
import type { AlbumProgress, JobView } from '../shared/messages.ts';
import { albumName } from './albums.ts';
import { formatCount } from './format.ts';
import { t } from './i18n.ts';
import type { ProblemWords } from './problems.ts';
import { albumCheck, albumCheckText, isVerified } from './verification.ts';

/** A failure in words; announced when it appears. */
export function ErrorText({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p class="loading" role="status">
      {label}
    </p>
  );
}

export function ProblemNotice({ words, tone }: { words: ProblemWords; tone: 'warning' | 'info' }) {
  return (
    <div class={`notice notice-${tone}`}>
      <p class="notice-what">{words.what}</p>
      <p>{words.next}</p>
      {words.particulars.map((line) => (
        <p key={line} class="notice-detail">
          {line}
        </p>
      ))}
    </div>
  );
}

/** One line per album: its verdict and, once it exists, the way to it in Google Photos. */
export function AlbumChecks({ albums }: { albums: AlbumProgress[] }) {
  return (
    <ul class="album-checks">
      {albums.map((album) => {
        const check = albumCheck(album);
        const name = albumName(album);
        const verified = isVerified(check);
        return (
          <li key={`${album.xiaomiAlbumId}:${album.part ?? 0}`} class={verified ? 'verified' : 'unverified'}>
            <span class="check-mark" aria-hidden="true">
              {verified ? '✓' : '!'}
            </span>
            <span class="album-check-body">
              <span class="album-check-name">{name}</span>
              <span class="album-check-text">{albumCheckText(check)}</span>
              {album.googleAlbumUrl && (
                <a
                  href={album.googleAlbumUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={t('openAlbumInGoogleNamed', name)}
                >
                  {t('openAlbumInGoogle')}
                </a>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** The three outcome counts of a job, as rows of a `<dl class="counts">`. */
export function OutcomeCounts({ job }: { job: JobView }) {
  return (
    <>
      <div>
        <dt>{t('countMoved')}</dt>
        <dd>{formatCount(job.done.items)}</dd>
      </div>
      <div>
        <dt>{t('countSkipped')}</dt>
        <dd>{formatCount(job.skipped)}</dd>
      </div>
      <div>
        <dt>{t('countFailed')}</dt>
        <dd>{formatCount(job.failed)}</dd>
      </div>
    </>
  );
}
