/** The steps before a migration: a usable Xiaomi Cloud login, then a Google account. */
import type { GoogleAccountView } from '../shared/messages.ts';
import { ErrorText } from '../ui/components.tsx';
import { type Action, useAction, useApi } from '../ui/hooks.ts';
import { errorKey, fixKey, type MessageKey, t } from '../ui/i18n.ts';
import type { XiaomiProblem } from './popup-view.ts';

const XIAOMI_PROBLEMS = {
  'logged-out': { title: 'xiaomiLoginTitle', kind: 'xiaomi-logged-out' },
  'second-validation': { title: 'xiaomiVerifyTitle', kind: 'xiaomi-second-validation' },
  'e2ee-on': { title: 'xiaomiE2eeTitle', kind: 'xiaomi-e2ee-on' },
} as const satisfies Record<XiaomiProblem['state'], { title: MessageKey; kind: string }>;

export function XiaomiScreen({ session, check }: { session: XiaomiProblem; check: Action<[]> }) {
  const api = useApi();
  const open = useAction(() => api.openXiaomi());
  const { title, kind } = XIAOMI_PROBLEMS[session.state];
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{t(title)}</h2>
      <p>{t(errorKey(kind))}</p>
      <p>{t(fixKey(kind))}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => open.run()} disabled={open.busy}>
          {t('openXiaomiButton')}
        </button>
        <button type="button" onClick={() => check.run()} disabled={check.busy}>
          {t('checkAgainButton')}
        </button>
      </div>
      <ErrorText message={open.error ?? check.error} />
    </section>
  );
}

export function GoogleSetupScreen() {
  const api = useApi();
  const open = useAction(() => api.openOptions());
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{t('googleSetupTitle')}</h2>
      <p>{t('googleSetupText')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => open.run()} disabled={open.busy}>
          {t('openSettingsButton')}
        </button>
      </div>
      <ErrorText message={open.error} />
    </section>
  );
}

/** The Google sign-in button, shared by the set-up screen and a job waiting for a new sign-in. */
export function SignInButton({
  label,
  onSignedIn,
}: {
  label: MessageKey;
  onSignedIn(google: GoogleAccountView): void | Promise<void>;
}) {
  const api = useApi();
  const signIn = useAction(async () => onSignedIn(await api.googleSignIn()));
  return (
    <>
      <button type="button" class="primary" onClick={() => signIn.run()} disabled={signIn.busy}>
        {t(label)}
      </button>
      <ErrorText message={signIn.error} />
    </>
  );
}

export function GoogleSignInScreen({ onSignedIn }: { onSignedIn(google: GoogleAccountView): void }) {
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{t('googleSignInTitle')}</h2>
      <p>{t('googleSignInText')}</p>
      <div class="actions">
        <SignInButton label="signInButton" onSignedIn={onSignedIn} />
      </div>
    </section>
  );
}
