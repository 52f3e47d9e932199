/** The engine's records as the pages see them (src/shared/messages.ts `JobView`). */
import type { AlbumRecord, JobRecord } from '../engine/db.ts';
import { partsOf } from '../engine/plan.ts';
import type { AlbumProgress, JobView } from '../shared/messages.ts';

function albumProgress(album: AlbumRecord): AlbumProgress {
  const c = album.counts.items;
  return {
    xiaomiAlbumId: album.xiaomiAlbumId,
    name: album.name,
    system: album.system,
    // As the Google title was made: a part number only for an album split in several. (Comparing
    // title and name would number every system album whose localised title differs from its name.)
    part: album.part > 1 || partsOf(album.xiaomiCount) > 1 ? album.part : undefined,
    total: Object.values(c).reduce((sum, n) => sum + n, 0),
    done: c.done,
    skipped: c.skipped,
    failed: c.failed,
    bytesTotal: album.counts.bytesTotal,
    bytesDone: album.counts.bytesDone,
    bytesMoved: album.counts.bytesSent + album.counts.bytesSettled,
    googleAlbumUrl: album.googleProductUrl,
    verified: album.verified,
    verification: album.verification,
  };
}

/** Totals come from the job's own counters, which count an item in two albums once. */
export function toJobView(job: JobRecord, albums: AlbumRecord[], rate: number): JobView {
  const c = job.counts.items;
  const { bytesTotal, bytesSent, bytesSettled } = job.counts;
  const remaining = bytesTotal - bytesSent - bytesSettled;
  return {
    id: job.id,
    status: job.status,
    pause: job.pause,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    totals: { items: Object.values(c).reduce((sum, n) => sum + n, 0), bytes: job.counts.bytesTotal },
    done: { items: c.done, bytes: job.counts.bytesDone },
    awaitingCreation: c.uploaded + c.creating + c.created,
    bytes: { sent: bytesSent, settled: bytesSettled },
    skipped: c.skipped,
    failed: c.failed,
    albums: albums.map(albumProgress),
    rate,
    etaSeconds: rate > 0 && job.status === 'running' ? Math.round(remaining / rate) : undefined,
    plan: job.plan,
  };
}
