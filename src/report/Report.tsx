/** The report: per-album verification and the receipt of every item, to filter, keep and act on. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { receiptCsv, receiptJson } from '../engine/receipt.ts';
import type { ErrorKind } from '../shared/errors.ts';
import type { JobView, ReceiptRow } from '../shared/messages.ts';
import { albumName } from '../ui/albums.ts';
import { AlbumChecks, ErrorText, Loading, OutcomeCounts } from '../ui/components.tsx';
import { formatBytes, formatCount, formatDateTime } from '../ui/format.ts';
import { useAction, useApi, useJobCommand, useSnapshot } from '../ui/hooks.ts';
import { errorKey, type MessageKey, t } from '../ui/i18n.ts';
import { LocalCopyProgress } from '../ui/LocalCopyProgress.tsx';
import { PlanTable } from '../ui/PlanView.tsx';
import { downloadText } from './download.ts';
import {
  albumIdsIn,
  filterRows,
  groupCounts,
  pageOf,
  type ReceiptFilter,
  ROW_GROUPS,
  type RowGroup,
  reasonsIn,
  receiptFileName,
  rowGroup,
} from './receipt-view.ts';

const GROUP_WORDS: Record<RowGroup, MessageKey> = {
  done: 'groupDone',
  skipped: 'groupSkipped',
  failed: 'groupFailed',
  open: 'groupOpen',
};

function albumNames(job: JobView | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const album of job?.albums ?? [])
    names.set(album.xiaomiAlbumId, albumName({ ...album, part: undefined }));
  return names;
}

function JobSummary({ job }: { job: JobView }) {
  return (
    <dl class="counts">
      <div>
        <dt>{t('reportStarted')}</dt>
        <dd>{formatDateTime(job.createdAt)}</dd>
      </div>
      {job.finishedAt !== undefined && (
        <div>
          <dt>{t('reportFinished')}</dt>
          <dd>{formatDateTime(job.finishedAt)}</dd>
        </div>
      )}
      <OutcomeCounts job={job} />
    </dl>
  );
}

function Filters({
  rows,
  filter,
  names,
  onChange,
}: {
  rows: ReceiptRow[];
  filter: ReceiptFilter;
  names: Map<string, string>;
  onChange(next: ReceiptFilter): void;
}) {
  const counts = useMemo(() => groupCounts(rows), [rows]);
  const reasons = useMemo(() => reasonsIn(rows), [rows]);
  const albumIds = useMemo(() => albumIdsIn(rows), [rows]);
  return (
    <div class="filters">
      <div class="field">
        <label for="filter-status">{t('filterStatus')}</label>
        <select
          id="filter-status"
          value={filter.group ?? ''}
          onChange={(event) =>
            onChange({ ...filter, group: (event.currentTarget.value || undefined) as RowGroup })
          }
        >
          <option value="">{t('filterAll', formatCount(rows.length))}</option>
          {ROW_GROUPS.map((group) => (
            <option key={group} value={group}>
              {t('filterOption', t(GROUP_WORDS[group]), formatCount(counts[group]))}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-album">{t('filterAlbum')}</label>
        <select
          id="filter-album"
          value={filter.albumId ?? ''}
          onChange={(event) => onChange({ ...filter, albumId: event.currentTarget.value || undefined })}
        >
          <option value="">{t('filterAnyAlbum')}</option>
          {albumIds.map((id) => (
            <option key={id} value={id}>
              {names.get(id) ?? id}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-reason">{t('filterReason')}</label>
        <select
          id="filter-reason"
          value={filter.reason ?? ''}
          onChange={(event) =>
            onChange({ ...filter, reason: (event.currentTarget.value || undefined) as ErrorKind | undefined })
          }
        >
          <option value="">{t('filterAnyReason')}</option>
          {reasons.map((kind) => (
            <option key={kind} value={kind}>
              {t(errorKey(kind))}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function ReceiptTable({ rows, names }: { rows: ReceiptRow[]; names: Map<string, string> }) {
  return (
    <div class="table-scroll">
      <table class="receipt">
        <caption class="visually-hidden">{t('receiptTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('columnFile')}</th>
            <th scope="col">{t('columnAlbum')}</th>
            <th scope="col" class="number">
              {t('columnSize')}
            </th>
            <th scope="col">{t('columnStatus')}</th>
            <th scope="col">{t('columnReason')}</th>
            <th scope="col">{t('columnGoogle')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const group = rowGroup(row.state);
            return (
              <tr key={row.xiaomiId} class={`row-${group}`}>
                <td class="file-name">{row.fileName}</td>
                <td>{row.xiaomiAlbums.map((id) => names.get(id) ?? id).join(', ')}</td>
                <td class="number">{formatBytes(row.size)}</td>
                <td>{t(GROUP_WORDS[group])}</td>
                <td>
                  {row.reasonKind && t(errorKey(row.reasonKind))}
                  {row.reason && <span class="server-words">{row.reason}</span>}
                </td>
                <td>
                  {row.googleProductUrl && (
                    <a
                      href={row.googleProductUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                      aria-label={t('openItemInGoogleNamed', row.fileName)}
                    >
                      {t('openItemInGoogle')}
                    </a>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Pager({ index, count, onGo }: { index: number; count: number; onGo(page: number): void }) {
  if (count <= 1) return null;
  return (
    <nav class="pager" aria-label={t('pagerLabel')}>
      <button type="button" onClick={() => onGo(index - 1)} disabled={index === 0}>
        {t('previousPage')}
      </button>
      <span>{t('pageOf', formatCount(index + 1), formatCount(count))}</span>
      <button type="button" onClick={() => onGo(index + 1)} disabled={index >= count - 1}>
        {t('nextPage')}
      </button>
    </nav>
  );
}

function exportReceipt(rows: ReceiptRow[], format: 'csv' | 'json') {
  const fileName = receiptFileName(format, new Date());
  if (format === 'csv') downloadText(fileName, receiptCsv(rows), 'text/csv;charset=utf-8');
  else downloadText(fileName, receiptJson(rows), 'application/json');
}

export function Report() {
  const api = useApi();
  const { snapshot, error } = useSnapshot();
  const [rows, setRows] = useState<ReceiptRow[]>();
  const [filter, setFilter] = useState<ReceiptFilter>({});
  const [page, setPage] = useState(0);
  const load = useAction(async () => setRows(await api.receipt()));
  const retry = useJobCommand(async () => {
    await api.retryFailed();
    setRows(await api.receipt());
  });
  const saveLeftovers = useJobCommand(() => api.saveLocalCopy({ failedAndSkipped: true }));
  useEffect(() => load.run(), [load.run]);

  const job = snapshot?.job;
  const names = useMemo(() => albumNames(job), [job]);
  const shown = useMemo(() => (rows ? filterRows(rows, filter) : []), [rows, filter]);
  const current = pageOf(shown, page);
  const counts = rows ? groupCounts(rows) : undefined;
  const failedCount = counts?.failed ?? 0;
  const leftoverCount = failedCount + (counts?.skipped ?? 0);

  const changeFilter = (next: ReceiptFilter) => {
    setFilter(next);
    setPage(0);
  };
  return (
    <main class="page page-wide">
      <h1>{t('reportPageTitle')}</h1>
      <ErrorText message={error} />
      {job && (
        <section aria-labelledby="summary-title">
          <h2 id="summary-title">{t('reportSummaryTitle')}</h2>
          <JobSummary job={job} />
          <h3>{t('verificationTitle')}</h3>
          <p class="muted">{t('verificationExplained')}</p>
          <AlbumChecks albums={job.albums} />
        </section>
      )}
      {job?.plan && <PlanTable plan={job.plan} names={names} />}
      {snapshot?.localCopy && (
        <LocalCopyProgress copy={snapshot.localCopy} failuresShown={snapshot.localCopy.failures.length} />
      )}
      <section aria-labelledby="receipt-title">
        <h2 id="receipt-title">{t('receiptTitle')}</h2>
        <p class="muted">{t('receiptExplained')}</p>
        {!rows ? (
          load.error ? (
            <>
              <ErrorText message={load.error} />
              <button type="button" onClick={() => load.run()}>
                {t('tryAgainButton')}
              </button>
            </>
          ) : (
            <Loading label={t('loadingReceipt')} />
          )
        ) : (
          <>
            <div class="actions">
              <button type="button" onClick={() => exportReceipt(rows, 'csv')} disabled={rows.length === 0}>
                {t('exportCsvButton')}
              </button>
              <button type="button" onClick={() => exportReceipt(rows, 'json')} disabled={rows.length === 0}>
                {t('exportJsonButton')}
              </button>
              <button type="button" onClick={() => load.run()} disabled={load.busy}>
                {t('refreshButton')}
              </button>
              {failedCount > 0 && (
                <button type="button" class="primary" onClick={() => retry.run()} disabled={retry.busy}>
                  {t('retryFailedButton')}
                </button>
              )}
              {leftoverCount > 0 && (
                <button type="button" onClick={() => saveLeftovers.run()} disabled={saveLeftovers.busy}>
                  {t('saveFailedAndSkippedButton')}
                </button>
              )}
            </div>
            <ErrorText message={retry.error ?? saveLeftovers.error ?? load.error} />
            <Filters rows={rows} filter={filter} names={names} onChange={changeFilter} />
            <p role="status">
              {shown.length === 0
                ? t('noRowsMatch')
                : t(
                    'showingRows',
                    formatCount(current.from),
                    formatCount(current.to),
                    formatCount(shown.length),
                  )}
            </p>
            <Pager index={current.index} count={current.count} onGo={setPage} />
            {current.rows.length > 0 && <ReceiptTable rows={current.rows} names={names} />}
          </>
        )}
      </section>
    </main>
  );
}
