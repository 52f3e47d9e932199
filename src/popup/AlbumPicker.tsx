/** Choosing the Xiaomi albums to move, with what the choice adds up to and what it runs into. */
import { useEffect, useState } from 'preact/hooks';
import type { GoogleAccountView } from '../shared/messages.ts';
import type { SourceAlbum } from '../shared/model.ts';
import { albumName } from '../ui/albums.ts';
import { ErrorText, Loading } from '../ui/components.tsx';
import { formatBytes, formatCount, formatItems } from '../ui/format.ts';
import { useAction, useApi, useJobCommand } from '../ui/hooks.ts';
import { plural, t } from '../ui/i18n.ts';
import { type SelectionSummary, summarizeSelection } from './popup-view.ts';

function albumFacts(album: SourceAlbum): string {
  const items = formatItems(album.mediaCount);
  return album.totalSize === undefined ? items : `${items} · ${formatBytes(album.totalSize)}`;
}

function SelectionTotals({ summary }: { summary: SelectionSummary }) {
  const size = summary.bytesComplete ? formatBytes(summary.bytes) : t('atLeast', formatBytes(summary.bytes));
  return (
    <div class="selection" aria-live="polite">
      <p class="selection-total">
        {t(
          'selectionTotal',
          plural(summary.albums, 'albumCountOne', 'albumCountOther', formatCount(summary.albums)),
          formatItems(summary.items),
          size,
        )}
      </p>
      {summary.overFreeStorage && (
        <p class="warning">{t('warnOverFreeStorage', formatBytes(summary.bytes))}</p>
      )}
      {summary.days > 1 && <p class="warning">{t('warnSeveralDays', formatCount(summary.days))}</p>}
    </div>
  );
}

export function AlbumPicker({ google }: { google: GoogleAccountView }) {
  const api = useApi();
  const [albums, setAlbums] = useState<SourceAlbum[]>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const load = useAction(async () => setAlbums(await api.listAlbums()));
  const start = useJobCommand(() => api.startJob([...selected]));
  const saveToDisk = useJobCommand(() => api.saveLocalCopy({ albumIds: [...selected] }));
  useEffect(() => load.run(), [load.run]);

  const account =
    google.state === 'signed-in' && google.email ? t('signedInAs', google.email) : t('signedInGoogle');
  if (!albums) {
    return (
      <section aria-labelledby="screen-title">
        <h2 id="screen-title">{t('pickAlbumsTitle')}</h2>
        {load.error ? (
          <>
            <ErrorText message={load.error} />
            <button type="button" class="primary" onClick={() => load.run()}>
              {t('tryAgainButton')}
            </button>
          </>
        ) : (
          <Loading label={t('loadingAlbums')} />
        )}
      </section>
    );
  }

  const summary = summarizeSelection(albums, selected);
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  return (
    <section aria-labelledby="screen-title">
      <h2 id="screen-title">{t('pickAlbumsTitle')}</h2>
      <p class="muted">{account}</p>
      {albums.length === 0 ? (
        <p>{t('noAlbums')}</p>
      ) : (
        <fieldset class="album-picker">
          <legend class="visually-hidden">{t('pickAlbumsTitle')}</legend>
          <label class="select-all">
            <input
              type="checkbox"
              checked={summary.allSelected}
              indeterminate={summary.albums > 0 && !summary.allSelected}
              onChange={(event) =>
                setSelected(
                  event.currentTarget.checked ? new Set(albums.map((album) => album.id)) : new Set(),
                )
              }
            />
            {t('selectAll')}
          </label>
          <ul class="album-list">
            {albums.map((album) => {
              const inputId = `album-${album.id}`;
              return (
                <li key={album.id}>
                  <input
                    type="checkbox"
                    id={inputId}
                    checked={selected.has(album.id)}
                    aria-describedby={`${inputId}-facts`}
                    onChange={(event) => toggle(album.id, event.currentTarget.checked)}
                  />
                  <label for={inputId}>{albumName(album)}</label>
                  <span id={`${inputId}-facts`} class="album-facts">
                    {albumFacts(album)}
                  </span>
                </li>
              );
            })}
          </ul>
        </fieldset>
      )}
      <SelectionTotals summary={summary} />
      <p class="muted">{t('nothingDeletedNote')}</p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          onClick={() => start.run()}
          disabled={summary.albums === 0 || start.busy}
        >
          {t('startButton')}
        </button>
        <button
          type="button"
          onClick={() => saveToDisk.run()}
          disabled={summary.albums === 0 || saveToDisk.busy}
        >
          {t('saveLocalCopyButton')}
        </button>
      </div>
      <ErrorText message={start.error ?? saveToDisk.error} />
    </section>
  );
}
