/** The pre-flight plan (src/engine/plan-summary.ts): short notes in the popup, the full table in the report. */
import type { PlanSummary } from '../shared/messages.ts';
import { formatBytes, formatCount, formatItems } from './format.ts';
import { t } from './i18n.ts';

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function undatedLeftOf(plan: PlanSummary): { count: number; formats: string } {
  const byFormat: Record<string, number> = {};
  for (const album of plan.albums)
    for (const [format, n] of Object.entries(album.undatedLeft))
      byFormat[format] = (byFormat[format] ?? 0) + n;
  return { count: sum(Object.values(byFormat)), formats: Object.keys(byFormat).sort().join(', ') };
}

/** Only what deserves attention, one sentence each. */
export function PlanNotes({ plan }: { plan: PlanSummary }) {
  const skipped = sum(plan.albums.map((a) => sum(Object.values(a.skipped).map((n) => n ?? 0))));
  const unlisted = sum(plan.albums.map((a) => a.formatUnlisted));
  const split = plan.albums.filter((a) => a.parts > 1).length;
  const repair = sum(plan.albums.map((a) => a.undatedRepairable));
  const left = undatedLeftOf(plan);
  const notes = [
    plan.exceedsFreeStorage && t('planStorageOver', formatBytes(plan.bytesToSend)),
    plan.days > 1 && t('planDays', formatCount(plan.days)),
    skipped > 0 && t('planSkipped', formatCount(skipped)),
    unlisted > 0 && t('planFormatUnlisted', formatCount(unlisted)),
    split > 0 && t('planSplit', formatCount(split)),
    repair > 0 && t('planUndatedRepair', formatCount(repair)),
    left.count > 0 && t('planUndatedLeft', formatCount(left.count), left.formats),
  ].filter((note): note is string => typeof note === 'string');
  return (
    <details class="plan" open={notes.length > 0}>
      <summary>
        {t('planTitle')}:{' '}
        {t(
          'planSummary',
          formatItems(plan.itemsToSend),
          formatBytes(plan.bytesToSend),
          formatCount(plan.requests),
        )}
      </summary>
      <ul>
        {notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </details>
  );
}

export function PlanTable({ plan, names }: { plan: PlanSummary; names: Map<string, string> }) {
  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">{t('planTitle')}</h2>
      <PlanNotes plan={plan} />
      <table class="plan-table">
        <thead>
          <tr>
            <th scope="col">{t('planColAlbum')}</th>
            <th scope="col">{t('planColItems')}</th>
            <th scope="col">{t('planColSize')}</th>
            <th scope="col">{t('planColParts')}</th>
            <th scope="col">{t('planColSkipped')}</th>
            <th scope="col">{t('planColUnlisted')}</th>
            <th scope="col">{t('planColUndatedRepair')}</th>
            <th scope="col">{t('planColUndatedLeft')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.albums.map((album) => (
            <tr key={album.xiaomiAlbumId}>
              <th scope="row">{names.get(album.xiaomiAlbumId) ?? album.xiaomiAlbumId}</th>
              <td>{formatCount(album.items)}</td>
              <td>{formatBytes(album.bytes)}</td>
              <td>{formatCount(album.parts)}</td>
              <td>{formatCount(sum(Object.values(album.skipped).map((n) => n ?? 0)))}</td>
              <td>{formatCount(album.formatUnlisted)}</td>
              <td>{formatCount(album.undatedRepairable)}</td>
              <td>
                {Object.entries(album.undatedLeft)
                  .map(([format, n]) => `${format} ${formatCount(n)}`)
                  .join(', ') || '0'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
