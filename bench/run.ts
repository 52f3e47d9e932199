/**
 * `npm run bench` — the throughput benchmark (see README "Performance").
 *
 * Builds nothing itself (the npm script runs `vite build` first), then for each workload moves the
 * same library through the same fakes and link shaping twice: with the plain reference client
 * (bench/reference-client.ts) and with the built extension in headless Chromium (raw CDP). Then it
 * times the popup of a 20,000-item job. Results go to bench/results/<date>.json and .md.
 *
 * Flags (each also as an environment variable, e.g. BENCH_RTT_MS=80):
 *   --rtt=40            round-trip time in ms                      BENCH_RTT_MS
 *   --up=100            upload bandwidth, Mbit/s                    BENCH_UP_MBIT
 *   --down=1000         download bandwidth, Mbit/s (0 = unshaped)   BENCH_DOWN_MBIT
 *   --photos=1000 --photo-min=2 --photo-max=6        (MB)           BENCH_PHOTOS, BENCH_PHOTO_MIN_MB, BENCH_PHOTO_MAX_MB
 *   --videos=3 --video-min=300 --video-max=1000      (MB, sizes spread evenly from min to max)           BENCH_VIDEOS, BENCH_VIDEO_MIN_MB, BENCH_VIDEO_MAX_MB
 *   --popup-items=20000                                              BENCH_POPUP_ITEMS
 *   --only=photos,videos,memory,popup   parts to run (default all)   BENCH_ONLY
 *                       memory: one video of --video-min, then one of --video-max, extension only
 *   --concurrency=8     the reference client's workers              BENCH_REFERENCE_CONCURRENCY
 *   --quick             a small correctness run (100 photos, 2 small videos, 2,000-item popup)
 *   --label=name        added to the result file names
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type LinkShaping,
  MB,
  type PopupResult,
  runMemoryScenario,
  runPopupScenario,
  runWorkload,
  type Workload,
} from './harness.ts';
import { allBudgets, type BenchReport, consoleSummary, machine, markdown } from './report.ts';

const ENV: Record<string, string> = {
  rtt: 'BENCH_RTT_MS',
  up: 'BENCH_UP_MBIT',
  down: 'BENCH_DOWN_MBIT',
  photos: 'BENCH_PHOTOS',
  'photo-min': 'BENCH_PHOTO_MIN_MB',
  'photo-max': 'BENCH_PHOTO_MAX_MB',
  videos: 'BENCH_VIDEOS',
  'video-min': 'BENCH_VIDEO_MIN_MB',
  'video-max': 'BENCH_VIDEO_MAX_MB',
  'popup-items': 'BENCH_POPUP_ITEMS',
  only: 'BENCH_ONLY',
  concurrency: 'BENCH_REFERENCE_CONCURRENCY',
  label: 'BENCH_LABEL',
};

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (see bench/run.ts for the flags)`);
    const name = match[1]!;
    if (name !== 'quick' && !(name in ENV)) throw new Error(`unknown flag --${name}`);
    args.set(name, match[2] ?? 'true');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const quick = args.has('quick') || process.env.BENCH_QUICK === '1';
function option(name: string, normal: string, small: string): string {
  return args.get(name) ?? process.env[ENV[name]!] ?? (quick ? small : normal);
}
const num = (name: string, normal: number, small = normal) => {
  const value = Number(option(name, String(normal), String(small)));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};

const down = num('down', 1000);
const shaping: LinkShaping = {
  rttMs: num('rtt', 40),
  upBytesPerSec: (num('up', 100) * 1e6) / 8,
  downBytesPerSec: down === 0 ? Number.POSITIVE_INFINITY : (down * 1e6) / 8,
};
const workloads: Workload[] = [
  {
    name: 'photos',
    kind: 'photos',
    count: num('photos', 1000, 100),
    minBytes: Math.round(num('photo-min', 2, 0.05) * MB),
    maxBytes: Math.round(num('photo-max', 6, 0.2) * MB),
  },
  {
    name: 'videos',
    kind: 'videos',
    count: num('videos', 3, 2),
    minBytes: Math.round(num('video-min', 300, 53) * MB),
    maxBytes: Math.round(num('video-max', 1000, 60) * MB),
  },
];
const only = new Set(option('only', 'photos,videos,memory,popup', 'photos,videos,memory,popup').split(','));
const popupItems = num('popup-items', 20_000, 2_000);
const label = option('label', '', 'quick');

// `npm run bench` builds into its own directory: other work may rebuild dist/ while a run goes on.
const dist = process.env.BENCH_DIST ?? fileURLToPath(new URL('../.tmp/bench-dist', import.meta.url));
if (!existsSync(`${dist}/manifest.json`)) {
  throw new Error(`no build in ${dist}: run \`npm run bench\` (it builds first) or set BENCH_DIST`);
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const startedAt = new Date();
const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  machine: machine(),
  shaping,
  workloads: [],
  notes: [],
};

for (const workload of workloads) {
  if (!only.has(workload.name) || workload.count === 0) continue;
  if (workload.maxBytes < workload.minBytes) throw new Error(`${workload.name}: max size below min size`);
  report.workloads.push(
    await runWorkload(workload, shaping, {
      reference: { concurrency: num('concurrency', 8) },
      extension: { dist },
      log,
    }),
  );
}
if (only.has('memory')) {
  const sizes = [workloads[1]!.minBytes, workloads[1]!.maxBytes];
  report.memory = await runMemoryScenario(sizes, shaping, { dist, log });
}
let popup: PopupResult | undefined;
if (only.has('popup')) {
  popup = await runPopupScenario(popupItems, shaping, { dist, log });
  report.popup = popup;
}

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const stamp = startedAt.toISOString().slice(0, 16).replace(':', '');
const base = `${dir}${stamp}${label ? `-${label}` : ''}`;
writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${base}.md`, markdown(report));
console.log(consoleSummary(report));
console.log(`\nwritten: ${base}.json, ${base}.md`);
const failed = allBudgets(report).filter((b) => !b.pass).length;
// Held uploads of the popup scenario leave timers in the fakes; nothing else is pending.
process.exit(failed > 0 ? 1 : 0);
