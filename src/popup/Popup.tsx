/** The popup: one screen at a time, chosen from the background's snapshot (see popup-view.ts). */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Snapshot } from '../shared/messages.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { type Action, useAction, useApi, useSnapshot } from '../ui/hooks.ts';
import { t } from '../ui/i18n.ts';
import { LocalCopyProgress } from '../ui/LocalCopyProgress.tsx';
import { AlbumPicker } from './AlbumPicker.tsx';
import { FinishedScreen, RunningScreen, StoppedScreen } from './JobScreens.tsx';
import { popupScreen, screenOpensSettings } from './popup-view.ts';
import { GoogleSetupScreen, GoogleSignInScreen, XiaomiScreen } from './SetupScreens.tsx';

function PopupFrame({ children, settingsButton }: { children: ComponentChildren; settingsButton: boolean }) {
  const api = useApi();
  const openOptions = useAction(() => api.openOptions());
  return (
    <>
      <header class="page-header">
        <h1>{t('extName')}</h1>
        {settingsButton && (
          <button type="button" class="quiet" onClick={() => openOptions.run()}>
            {t('settingsButton')}
          </button>
        )}
      </header>
      <main>{children}</main>
    </>
  );
}

function jobInProgress(snapshot: Snapshot): boolean {
  const status = snapshot.job?.status;
  return status !== undefined && status !== 'done' && status !== 'cancelled';
}

/**
 * The Xiaomi login may have changed since the background last looked (the person just logged in
 * at i.mi.com), so the popup asks once when it opens, unless a job is in progress: the engine
 * watches the session itself then.
 */
function useXiaomiCheckOnOpen(snapshot: Snapshot | undefined, patch: (changes: Partial<Snapshot>) => void) {
  const api = useApi();
  const check = useAction(async () => patch({ xiaomi: await api.refreshXiaomi() }));
  const asked = useRef(false);
  useEffect(() => {
    if (!snapshot || asked.current) return;
    asked.current = true;
    if (!jobInProgress(snapshot)) check.run();
  }, [snapshot, check.run]);
  return check;
}

function CheckingXiaomi({ check }: { check: Action<[]> }) {
  if (!check.error) return <Loading label={t('checkingXiaomi')} />;
  return (
    <section>
      <ErrorText message={check.error} />
      <button type="button" class="primary" onClick={() => check.run()}>
        {t('checkAgainButton')}
      </button>
    </section>
  );
}

export function Popup() {
  const { snapshot, error, patch } = useSnapshot();
  const [setAsideJobId, setSetAsideJobId] = useState<string>();
  const xiaomiCheck = useXiaomiCheckOnOpen(snapshot, patch);

  if (!snapshot) {
    return (
      <PopupFrame settingsButton>
        {error ? <ErrorText message={error} /> : <Loading label={t('loading')} />}
      </PopupFrame>
    );
  }
  const screen = popupScreen(snapshot, setAsideJobId);
  return (
    <PopupFrame settingsButton={!screenOpensSettings(screen)}>
      {screen.kind === 'checking-xiaomi' && <CheckingXiaomi check={xiaomiCheck} />}
      {screen.kind === 'xiaomi' && <XiaomiScreen session={screen.session} check={xiaomiCheck} />}
      {screen.kind === 'google-setup' && <GoogleSetupScreen />}
      {screen.kind === 'google-sign-in' && <GoogleSignInScreen onSignedIn={(google) => patch({ google })} />}
      {screen.kind === 'pick-albums' && <AlbumPicker google={snapshot.google} />}
      {screen.kind === 'running' && <RunningScreen job={screen.job} />}
      {screen.kind === 'stopped' && (
        <StoppedScreen job={screen.job} pause={screen.pause} onSignedIn={(google) => patch({ google })} />
      )}
      {screen.kind === 'finished' && (
        <FinishedScreen job={screen.job} onNewMigration={() => setSetAsideJobId(screen.job.id)} />
      )}
      {snapshot.localCopy && <LocalCopyProgress copy={snapshot.localCopy} failuresShown={3} />}
    </PopupFrame>
  );
}
