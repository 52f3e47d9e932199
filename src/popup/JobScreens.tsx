/** A migration under way, stopped, or finished. */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AlbumProgress, GoogleAccountView, JobView, PauseInfo } from '../shared/messages.ts';
import { albumName } from '../ui/albums.ts';
import { AlbumChecks, ErrorText, OutcomeCounts, ProblemNotice } from '../ui/components.tsx';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatItems,
  formatPercent,
  formatRate,
} from '../ui/format.ts';
import { useAction, useApi, useJobCommand } from '../ui/hooks.ts';
import { t } from '../ui/i18n.ts';
import { PlanNotes } from '../ui/PlanView.tsx';
import { describeProblem } from '../ui/problems.ts';
import { albumCheck, isVerified } from '../ui/verification.ts';
import { albumProgressFraction, jobProgress, type PauseAction, pauseActions } from './popup-view.ts';
import { SignInButton } from './SetupScreens.tsx';

function OverallProgress({ job }: { job: JobView }) {
  const progress = jobProgress(job);
  const percent = formatPercent(progress.fraction);
  const counted = t('amountOfTotal', formatCount(progress.finished), formatItems(progress.total));
  return (
    <div class="overall">
      <div
        class="bar"
        role="progressbar"
        aria-label={t('overallProgress')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.counting ? undefined : Math.floor(progress.fraction * 100)}
        aria-valuetext={progress.counting ? t('countingItems') : `${counted} (${percent})`}
      >
        <div class="bar-fill" style={{ width: `${progress.fraction * 100}%` }} />
      </div>
      <p class="progress-line">
        {progress.counting ? (
          t('countingItems')
        ) : (
          <>
            <span>{counted}</span>
            <span>
              {t('amountOfTotal', formatBytes(progress.bytesSent), formatBytes(progress.bytesTotal))}
            </span>
            <span>{percent}</span>
          </>
        )}
      </p>
      {!progress.counting && progress.awaitingCreation > 0 && (
        <p class="muted">{t('awaitingCreation', formatCount(progress.awaitingCreation))}</p>
      )}
      {(job.skipped > 0 || job.failed > 0) && (
        <p class="muted">{t('skippedAndFailed', formatCount(job.skipped), formatCount(job.failed))}</p>
      )}
    </div>
  );
}

function AlbumProgressList({ albums }: { albums: AlbumProgress[] }) {
  // The favourites album counts no items of its own: "0 of 0" would read as nothing to do.
  const counted = albums.filter((album) => album.total > 0);
  if (counted.length === 0) return null;
  return (
    <ul class="album-progress">
      {counted.map((album) => {
        const finished = album.done + album.skipped + album.failed;
        const fraction = albumProgressFraction(album);
        return (
          <li key={`${album.xiaomiAlbumId}:${album.part ?? 0}`}>
            <span class="album-progress-name">{albumName(album)}</span>
            <span class="album-progress-count">
              {t('amountOfTotal', formatCount(finished), formatCount(album.total))}
            </span>
            <span class="mini-bar" aria-hidden="true">
              <span class="bar-fill" style={{ width: `${fraction * 100}%` }} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function ReportButton() {
  const api = useApi();
  const open = useAction(() => api.openReport());
  return (
    <>
      <button type="button" onClick={() => open.run()}>
        {t('openReportButton')}
      </button>
      <ErrorText message={open.error} />
    </>
  );
}

/** Cancelling cannot be undone, so it asks first and says what is kept. */
function CancelJob() {
  const api = useApi();
  const cancel = useJobCommand(() => api.cancelJob());
  const [asking, setAsking] = useState(false);
  const keepGoing = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useLayoutEffect(() => {
    // The button that had focus disappears: keep keyboard users where the choice is.
    if (asking) keepGoing.current?.focus();
    else if (wasAsking.current) cancelButton.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" ref={cancelButton} onClick={() => setAsking(true)}>
        {t('cancelButton')}
      </button>
    );
  }
  return (
    <div class="confirm">
      <p id="cancel-question" class="confirm-question">
        {t('cancelQuestion')}
      </p>
      <p id="cancel-explanation">{t('cancelExplanation')}</p>
      <div class="actions">
        <button
          type="button"
          class="danger"
          aria-describedby="cancel-question cancel-explanation"
          onClick={() => cancel.run()}
          disabled={cancel.busy}
        >
          {t('cancelConfirmButton')}
        </button>
        <button
          type="button"
          ref={keepGoing}
          aria-describedby="cancel-question cancel-explanation"
          onClick={() => setAsking(false)}
        >
          {t('keepGoingButton')}
        </button>
      </div>
      <ErrorText message={cancel.error} />
    </div>
  );
}

export function RunningScreen({ job }: { job: JobView }) {
  const api = useApi();
  const pause = useJobCommand(() => api.pauseJob());
  const timeLeft =
    job.etaSeconds === undefined ? t('etaUnknown') : t('etaLeft', formatDuration(job.etaSeconds));
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{job.status === 'planning' ? t('planningTitle') : t('runningTitle')}</h2>
      <OverallProgress job={job} />
      {job.status === 'running' && (
        <p class="progress-line">
          {/* "Speed: 0 B/s" before the first bytes are counted would read as stalled. */}
          {job.rate > 0 && <span>{t('speed', formatRate(job.rate))}</span>}
          <span>{timeLeft}</span>
        </p>
      )}
      {job.plan && <PlanNotes plan={job.plan} />}
      <p class="muted">{t('closeAnytimeNote')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => pause.run()} disabled={pause.busy}>
          {t('pauseButton')}
        </button>
        <CancelJob />
        <ReportButton />
      </div>
      <ErrorText message={pause.error} />
      <AlbumProgressList albums={job.albums} />
    </section>
  );
}

function PauseActionButton({
  action,
  onSignedIn,
}: {
  action: PauseAction;
  onSignedIn(google: GoogleAccountView): void;
}) {
  const api = useApi();
  const resume = useJobCommand(() => api.resumeJob());
  const openXiaomi = useAction(() => api.openXiaomi());
  const openOptions = useAction(() => api.openOptions());
  switch (action) {
    case 'sign-in':
      return (
        // The background resumes a job that waited for a sign-in once the sign-in succeeds.
        <SignInButton label="signInAgainButton" onSignedIn={onSignedIn} />
      );
    case 'resume':
      return (
        <>
          <button type="button" class="primary" onClick={() => resume.run()} disabled={resume.busy}>
            {t('resumeButton')}
          </button>
          <ErrorText message={resume.error} />
        </>
      );
    case 'open-xiaomi':
      return (
        <>
          <button type="button" onClick={() => openXiaomi.run()}>
            {t('openXiaomiButton')}
          </button>
          <ErrorText message={openXiaomi.error} />
        </>
      );
    case 'open-options':
      return (
        <>
          <button type="button" onClick={() => openOptions.run()}>
            {t('openSettingsButton')}
          </button>
          <ErrorText message={openOptions.error} />
        </>
      );
  }
}

export function StoppedScreen({
  job,
  pause,
  onSignedIn,
}: {
  job: JobView;
  pause: PauseInfo;
  onSignedIn(google: GoogleAccountView): void;
}) {
  const words = describeProblem(pause.kind, pause.details, Date.now());
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{job.status === 'paused' ? t('pausedTitle') : t('waitingTitle')}</h2>
      <ProblemNotice words={words} tone={pause.kind === 'user' ? 'info' : 'warning'} />
      {/* A known resume time already says it continues by itself. */}
      {pause.details.resumeAt === undefined && (
        <p class="continues">{pause.resumesByItself ? t('continuesByItself') : t('waitsForYou')}</p>
      )}
      <OverallProgress job={job} />
      <div class="actions">
        {pauseActions(pause).map((action) => (
          <PauseActionButton key={action} action={action} onSignedIn={onSignedIn} />
        ))}
        <CancelJob />
        <ReportButton />
      </div>
    </section>
  );
}

export function FinishedScreen({ job, onNewMigration }: { job: JobView; onNewMigration(): void }) {
  const api = useApi();
  const retry = useJobCommand(() => api.retryFailed());
  const allVerified = job.albums.every((album) => isVerified(albumCheck(album)));
  const cancelled = job.status === 'cancelled';
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{cancelled ? t('cancelledTitle') : t('doneTitle')}</h2>
      {cancelled && <p>{t('cancelledText')}</p>}
      <dl class="counts">
        <OutcomeCounts job={job} />
      </dl>
      {!cancelled && (
        <p class={allVerified ? 'ok' : 'warning'}>{allVerified ? t('allVerified') : t('notAllVerified')}</p>
      )}
      <AlbumChecks albums={job.albums} />
      <div class="actions">
        {job.failed > 0 && !cancelled && (
          <button type="button" class="primary" onClick={() => retry.run()} disabled={retry.busy}>
            {t('retryFailedButton')}
          </button>
        )}
        <ReportButton />
        <button type="button" onClick={onNewMigration}>
          {t('newMigrationButton')}
        </button>
      </div>
      <ErrorText message={retry.error} />
    </section>
  );
}
