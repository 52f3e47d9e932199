/**
 * Pushes snapshots to the open pages and keeps the toolbar badge current. Pushes are coalesced
 * (at most one per `PUBLISH_INTERVAL_MS`), so a burst of progress costs one read of the records.
 */
import type { RpcPort } from '../platform/platform.ts';
import type { BackgroundToUiEvent, JobView, Snapshot } from '../shared/messages.ts';

export const PUBLISH_INTERVAL_MS = 250;

export interface Publisher {
  attach(port: RpcPort): void;
  /** Something changed: a snapshot follows soon. */
  changed(): void;
}

export function badgeFor(job: JobView | undefined): { text: string; color: string } {
  if (!job) return { text: '', color: '#000' };
  if (job.status === 'waiting' || job.status === 'paused') return { text: '!', color: '#c62828' };
  if (job.status === 'planning' || job.status === 'running') {
    const total = job.totals.bytes || 1;
    return { text: `${Math.floor((100 * job.done.bytes) / total)}%`, color: '#1a73e8' };
  }
  return { text: '', color: '#000' };
}

export function createPublisher(
  snapshot: () => Promise<Snapshot>,
  badge: (text: string, color: string) => Promise<void>,
): Publisher {
  const ports = new Set<RpcPort>();
  let scheduled = false;
  let lastBadge = '';

  const publish = async () => {
    scheduled = false;
    const current = await snapshot();
    const event: BackgroundToUiEvent = { type: 'snapshot', snapshot: current };
    for (const port of ports) port.postMessage(event);
    const { text, color } = badgeFor(current.job);
    if (text !== lastBadge) {
      lastBadge = text;
      await badge(text, color);
    }
  };

  return {
    attach(port) {
      ports.add(port);
      port.onDisconnect(() => ports.delete(port));
    },
    changed() {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => void publish().catch(() => undefined), PUBLISH_INTERVAL_MS);
    },
  };
}
