/**
 * The local copy as the popup and the report show it: a progress bar named "Local copy", how many
 * files and bytes are saved, why it waits, and which files could not be saved and why.
 */
import type { LocalCopyView } from '../shared/messages.ts';
import { ErrorText, ProblemNotice } from './components.tsx';
import { formatBytes, formatCount } from './format.ts';
import { useApi, useJobCommand } from './hooks.ts';
import { errorKey, t } from './i18n.ts';
import { describeProblem } from './problems.ts';

export function LocalCopyProgress({ copy, failuresShown }: { copy: LocalCopyView; failuresShown: number }) {
  const api = useApi();
  const resume = useJobCommand(() => api.resumeLocalCopy());
  const cancel = useJobCommand(() => api.cancelLocalCopy());
  const listing = copy.status === 'listing';
  const finished = copy.done + copy.failed;
  const files = t('localCopyFiles', formatCount(copy.done), formatCount(copy.total));
  const underWay = listing || copy.status === 'running' || copy.status === 'waiting';
  return (
    <section class="local-copy" aria-labelledby="local-copy-title">
      <h2 id="local-copy-title">{t('localCopyTitle')}</h2>
      <div
        class="bar"
        role="progressbar"
        aria-label={t('localCopyTitle')}
        aria-valuemin={0}
        aria-valuemax={copy.total}
        aria-valuenow={listing ? undefined : finished}
        aria-valuetext={listing ? t('localCopyListing') : files}
      >
        <div class="bar-fill" style={{ width: `${copy.total > 0 ? (100 * finished) / copy.total : 0}%` }} />
      </div>
      <p class="progress-line">
        {listing ? (
          t('localCopyListing')
        ) : (
          <>
            <span>{files}</span>
            <span>{t('amountOfTotal', formatBytes(copy.bytesDone), formatBytes(copy.bytesTotal))}</span>
          </>
        )}
      </p>
      {copy.status === 'done' && <p class="ok">{t('localCopyDone', formatCount(copy.done))}</p>}
      {copy.status === 'cancelled' && <p>{t('localCopyCancelled')}</p>}
      {copy.pause && (
        <>
          <ProblemNotice
            words={describeProblem(copy.pause.kind, copy.pause.details, Date.now())}
            tone="warning"
          />
          <p class="continues">{copy.pause.resumesByItself ? t('continuesByItself') : t('waitsForYou')}</p>
        </>
      )}
      <p class="muted">{t('localCopyWhere')}</p>
      {copy.failed > 0 && (
        <>
          <p class="warning">{t('localCopyFailedCount', formatCount(copy.failed))}</p>
          <ul class="local-copy-failures">
            {copy.failures.slice(0, failuresShown).map((failure, index) => (
              <li key={`${index}:${failure.folder}/${failure.fileName}`}>
                {t('localCopyFailure', failure.folder, failure.fileName, t(errorKey(failure.reasonKind)))}
                {failure.reason && <span class="server-words">{failure.reason}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {underWay && (
        <div class="actions">
          {copy.status === 'waiting' && !copy.pause?.resumesByItself && (
            <button type="button" class="primary" onClick={() => resume.run()} disabled={resume.busy}>
              {t('resumeLocalCopyButton')}
            </button>
          )}
          <button type="button" onClick={() => cancel.run()} disabled={cancel.busy}>
            {t('cancelLocalCopyButton')}
          </button>
        </div>
      )}
      <ErrorText message={resume.error ?? cancel.error} />
    </section>
  );
}
