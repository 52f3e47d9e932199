/**
 * The benchmark (bench/, `npm run bench`) in miniature, as a correctness check: the same harness
 * moves 100 small photos and two videos just above the raw-upload limit, with the built extension
 * in headless Chromium (raw CDP) and with the reference client, on a fast link. Only budgets that
 * are counts, not times, are asserted: what arrived, and how many requests it took.
 */
import { describe, expect, it } from 'vitest';
import {
  correctnessBudgets,
  type LinkShaping,
  runExtension,
  runReferenceClient,
  type Workload,
  workloadLibrary,
} from '../../bench/harness.ts';

const FAST_LINK: LinkShaping = { rttMs: 10, upBytesPerSec: 50e6, downBytesPerSec: Number.POSITIVE_INFINITY };

async function budgetsOf(workload: Workload) {
  const library = workloadLibrary(workload);
  await library.computeDigests();
  const reference = await runReferenceClient(library, FAST_LINK);
  expect(reference.problems, 'the reference client itself').toEqual([]);
  const extension = await runExtension(library, FAST_LINK, { stallMs: 30_000 });
  return correctnessBudgets(library, extension, reference);
}

function expectAllPass(budgets: { name: string; limit: string; measured: string; pass: boolean }[]) {
  const failed = budgets.filter((b) => !b.pass).map((b) => `${b.name}: ${b.measured} (limit ${b.limit})`);
  expect(failed).toEqual([]);
}

describe('the benchmark, small', () => {
  it('moves 100 photos byte-identical with ≤ 1.02 Photos requests each and exact Xiaomi paging', async () => {
    const budgets = await budgetsOf({
      name: 'photos',
      kind: 'photos',
      count: 100,
      minBytes: 20_000,
      maxBytes: 80_000,
    });
    expect(budgets.map((b) => b.name)).toEqual([
      'destination byte-identical',
      'photoslibrary requests per photo',
      'photoslibrary requests beyond the reference client',
      'Xiaomi listing requests',
    ]);
    expectAllPass(budgets);
  });

  it('moves two videos over the raw limit with one session start and one request per 8 MiB chunk', async () => {
    const budgets = await budgetsOf({
      name: 'videos',
      kind: 'videos',
      count: 2,
      minBytes: 53_000_000,
      maxBytes: 56_000_000,
    });
    expect(budgets.map((b) => b.name)).toContain('large-video upload requests');
    expectAllPass(budgets);
  });
});
