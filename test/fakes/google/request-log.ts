/** The fake's request log and the Photos API request counters (per endpoint, Pacific day, UTC minute). */
import type { FakeClock } from '../clock.ts';
import type { FakeRequest } from '../types.ts';
import { plainHeaders } from './http.ts';
import { pacificDay, utcMinute } from './quota.ts';
import type { FakeGoogleState, RequestLogEntry } from './state.ts';

export function recordRequest(
  state: FakeGoogleState,
  clock: FakeClock,
  service: RequestLogEntry['service'],
  req: FakeRequest,
  url: URL,
  endpoint: string,
): RequestLogEntry {
  const entry: RequestLogEntry = {
    seq: state.requestLog.length + 1,
    at: clock.now(),
    service,
    method: req.method ?? 'GET',
    host: url.host,
    path: `${url.pathname}${url.search}`,
    endpoint,
    headers: plainHeaders(req),
    status: undefined,
    bodyBytes: undefined,
    bodyComplete: undefined,
    fault: undefined,
    note: undefined,
  };
  state.requestLog.push(entry);
  return entry;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function countApiRequest(state: FakeGoogleState, endpoint: string, now: number): void {
  const { byEndpoint, byDay, byMinute } = state.requestCounts;
  increment(byEndpoint, endpoint);
  increment(byDay, pacificDay(now));
  increment(byMinute, utcMinute(now));
}
