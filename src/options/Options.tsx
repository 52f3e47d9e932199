/** Settings: the person's own Google OAuth client (with the steps to make one) and how the transfer behaves. */
import { useEffect, useState } from 'preact/hooks';
import { REQUIRED_SCOPES } from '../google/oauth.ts';
import type { GoogleAccountView, Settings } from '../shared/messages.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { useAction, useApi, useSnapshot } from '../ui/hooks.ts';
import { type MessageKey, t } from '../ui/i18n.ts';
import { CONCURRENCY_RANGE, checkClientId, parseConcurrency, redirectUrlFor } from './options-view.ts';

function accountStatus(google: GoogleAccountView): string {
  if (google.state === 'no-client-id') return t('googleStatusNoClient');
  if (google.state === 'signed-out') return t('googleStatusSignedOut');
  return google.email ? t('signedInAs', google.email) : t('signedInGoogle');
}

function RedirectUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState<boolean>();
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div class="copy-row">
      <code id="redirect-url">{url}</code>
      <button type="button" onClick={copy} aria-describedby="redirect-url">
        {t('copyButton')}
      </button>
      <span role="status" class="muted">
        {copied === true && t('copied')}
        {copied === false && t('copyFailed')}
      </span>
    </div>
  );
}

interface HelpStep {
  title: MessageKey;
  text: MessageKey;
  link?: { href: string; label: MessageKey };
}

const HELP_STEPS: HelpStep[] = [
  {
    title: 'helpProjectTitle',
    text: 'helpProjectText',
    link: { href: 'https://console.cloud.google.com/projectcreate', label: 'helpProjectLink' },
  },
  {
    title: 'helpApiTitle',
    text: 'helpApiText',
    link: {
      href: 'https://console.cloud.google.com/apis/library/photoslibrary.googleapis.com',
      label: 'helpApiLink',
    },
  },
  {
    title: 'helpConsentTitle',
    text: 'helpConsentText',
    link: { href: 'https://console.cloud.google.com/auth/overview', label: 'helpConsentLink' },
  },
  {
    title: 'helpScopesTitle',
    text: 'helpScopesText',
    link: { href: 'https://console.cloud.google.com/auth/scopes', label: 'helpScopesLink' },
  },
  {
    title: 'helpClientTitle',
    text: 'helpClientText',
    link: { href: 'https://console.cloud.google.com/auth/clients/create', label: 'helpClientLink' },
  },
  { title: 'helpPasteTitle', text: 'helpPasteText' },
];

function SetupSteps({ redirectUrl }: { redirectUrl: string }) {
  return (
    <ol class="steps">
      {HELP_STEPS.map((step) => (
        <li key={step.title}>
          <strong>{t(step.title)}</strong>
          <p>{t(step.text)}</p>
          {step.title === 'helpScopesTitle' && (
            <ul class="scopes">
              {REQUIRED_SCOPES.map((scope) => (
                <li key={scope}>
                  <code>{scope}</code>
                </li>
              ))}
            </ul>
          )}
          {step.title === 'helpClientTitle' && <RedirectUrl url={redirectUrl} />}
          {step.link && (
            <a href={step.link.href} target="_blank" rel="noopener noreferrer">
              {t(step.link.label)}
            </a>
          )}
        </li>
      ))}
    </ol>
  );
}

function ClientIdForm({
  saved,
  google,
  onSaved,
}: {
  saved: string;
  google: GoogleAccountView;
  onSaved(settings: Settings): void;
}) {
  const api = useApi();
  const { patch, reload } = useSnapshot();
  const [draft, setDraft] = useState(saved);
  const [invalid, setInvalid] = useState(false);
  const [notice, setNotice] = useState<string>();
  const save = useAction(async (clientId: string) => {
    onSaved(await api.saveSettings({ googleClientId: clientId }));
    // The account view (redirect URL, signed-out state) follows from the new id.
    await reload();
    setNotice(t('saved'));
  });
  const testSignIn = useAction(async () => {
    const result = await api.googleSignIn();
    patch({ google: result });
    setNotice(accountStatus(result));
  });
  const signOut = useAction(async () => {
    const result = await api.googleSignOut();
    patch({ google: result });
    setNotice(accountStatus(result));
  });

  const submit = (event: Event) => {
    event.preventDefault();
    const check = checkClientId(draft);
    setInvalid(!check.ok);
    setNotice(undefined);
    if (check.ok) save.run(check.clientId);
  };
  const usingBuiltIn = saved === '' && google.state !== 'no-client-id';
  return (
    <form onSubmit={submit} noValidate>
      <div class="field">
        <label for="client-id">{t('clientIdLabel')}</label>
        <input
          id="client-id"
          type="text"
          spellcheck={false}
          autocomplete="off"
          value={draft}
          placeholder="123456789012-abc123.apps.googleusercontent.com"
          aria-invalid={invalid}
          aria-describedby={invalid ? 'client-id-error' : 'client-id-hint'}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        {invalid ? (
          <p id="client-id-error" class="error" role="alert">
            {t('clientIdInvalid')}
          </p>
        ) : (
          <p id="client-id-hint" class="muted">
            {usingBuiltIn ? t('clientIdBuiltIn') : t('clientIdHint')}
          </p>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          {t('saveButton')}
        </button>
        <button
          type="button"
          onClick={() => testSignIn.run()}
          disabled={testSignIn.busy || google.state === 'no-client-id'}
        >
          {t('testSignInButton')}
        </button>
        {google.state === 'signed-in' && (
          <button type="button" onClick={() => signOut.run()} disabled={signOut.busy}>
            {t('signOutButton')}
          </button>
        )}
      </div>
      <p role="status" class="ok">
        {notice}
      </p>
      <ErrorText message={save.error ?? testSignIn.error ?? signOut.error} />
    </form>
  );
}

function TransferSettings({ settings, onChange }: { settings: Settings; onChange(next: Settings): void }) {
  const api = useApi();
  const [concurrency, setConcurrency] = useState(String(settings.maxConcurrentTransfers));
  const [concurrencyInvalid, setConcurrencyInvalid] = useState(false);
  const [notice, setNotice] = useState<string>();
  const save = useAction(async (changes: Partial<Settings>) => {
    onChange(await api.saveSettings(changes));
    setNotice(t('saved'));
  });

  const commitConcurrency = () => {
    const value = parseConcurrency(concurrency);
    setConcurrencyInvalid(value === undefined);
    if (value !== undefined && value !== settings.maxConcurrentTransfers)
      save.run({ maxConcurrentTransfers: value });
  };
  const range = [String(CONCURRENCY_RANGE.min), String(CONCURRENCY_RANGE.max)] as const;
  return (
    <>
      <div class="field">
        <label for="concurrency">{t('concurrencyLabel')}</label>
        <input
          id="concurrency"
          type="number"
          inputMode="numeric"
          min={CONCURRENCY_RANGE.min}
          max={CONCURRENCY_RANGE.max}
          step={1}
          value={concurrency}
          aria-invalid={concurrencyInvalid}
          aria-describedby="concurrency-hint"
          onInput={(event) => setConcurrency(event.currentTarget.value)}
          onChange={commitConcurrency}
        />
        <p id="concurrency-hint" class={concurrencyInvalid ? 'error' : 'muted'}>
          {concurrencyInvalid ? t('concurrencyInvalid', ...range) : t('concurrencyHint', ...range)}
        </p>
      </div>
      <div class="field switch-field">
        <input
          id="repair-dates"
          type="checkbox"
          role="switch"
          checked={settings.repairCaptureDates}
          aria-checked={settings.repairCaptureDates}
          aria-describedby="repair-dates-hint"
          onChange={(event) => save.run({ repairCaptureDates: event.currentTarget.checked })}
        />
        <label for="repair-dates">{t('repairDatesLabel')}</label>
        <p id="repair-dates-hint" class="muted">
          {t('repairDatesHint')}
        </p>
      </div>
      <div class="field switch-field">
        <input
          id="favorites-album"
          type="checkbox"
          role="switch"
          checked={settings.favoritesAlbum}
          aria-checked={settings.favoritesAlbum}
          aria-describedby="favorites-album-hint"
          onChange={(event) => save.run({ favoritesAlbum: event.currentTarget.checked })}
        />
        <label for="favorites-album">{t('favoritesAlbumLabel')}</label>
        <p id="favorites-album-hint" class="muted">
          {t('favoritesAlbumHint')}
        </p>
      </div>
      <p role="status" class="ok">
        {notice}
      </p>
      <ErrorText message={save.error} />
    </>
  );
}

export function Options() {
  const api = useApi();
  const { snapshot, error } = useSnapshot();
  const [settings, setSettings] = useState<Settings>();
  const load = useAction(async () => setSettings(await api.getSettings()));
  useEffect(() => load.run(), [load.run]);

  if (!snapshot || !settings) {
    const failure = error ?? load.error;
    return (
      <main class="page">{failure ? <ErrorText message={failure} /> : <Loading label={t('loading')} />}</main>
    );
  }
  return (
    <main class="page">
      <h1>{t('optionsPageTitle')}</h1>
      <section aria-labelledby="google-title">
        <h2 id="google-title">{t('googleSectionTitle')}</h2>
        <p class="account-status">{accountStatus(snapshot.google)}</p>
        <p>{t('googleSectionIntro')}</p>
        <SetupSteps redirectUrl={redirectUrlFor(snapshot.google, location.host)} />
        <ClientIdForm saved={settings.googleClientId} google={snapshot.google} onSaved={setSettings} />
        <p class="muted">{t('helpTestingNote')}</p>
      </section>
      <section aria-labelledby="transfer-title">
        <h2 id="transfer-title">{t('transferSectionTitle')}</h2>
        <TransferSettings settings={settings} onChange={setSettings} />
      </section>
    </main>
  );
}
