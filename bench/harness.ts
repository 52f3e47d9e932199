/**
 * The benchmark's measuring code, shared by `npm run bench` (bench/run.ts) and the quick
 * correctness run in the E2E tier (test/e2e/bench-quick.test.ts): workloads, the two clients
 * (the built extension in headless Chromium driven over raw CDP, and the plain Node reference
 * client in its own process), the figures taken from the fakes, and the budgets.
 *
 * Every figure about requests and bytes is read from the fakes (what arrived), never from the
 * extension's own claims. Time is wall-clock on this machine: from the click on Start (or the
 * reference client's first request) to the end of the last Photos Library request of the job.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RawChromium } from '../test/e2e/cdp.ts';
import { processTree } from '../test/e2e/chromium.ts';
import { type FakeClouds, startFakeClouds } from '../test/fakes/clouds.ts';
import { presetHugeAlbum } from '../test/fakes/library/bad-inputs.ts';
import { type ItemSpec, type Library, makeLibrary, SYSTEM_ALBUMS } from '../test/fakes/library/library.ts';
import { beijingTime, DEFAULT_USER_ID, itemId, presetBulk } from '../test/fakes/library/presets.ts';
import {
  type ExtensionSetup,
  launchExtension,
  popupShows,
  popupText,
  signIn,
  startMigration,
  stopServiceWorker,
  timePopupUsefulView,
  type UsefulViewTiming,
} from './extension-driver.ts';
import { PHOTOS_HOST, type ReferenceConfig, type ReferenceResult } from './reference-client.ts';

export const MB = 1_000_000;
export const MIB = 1024 * 1024;
/** The extension's resumable chunk (src/google DEFAULT_OPTIONS.chunkTargetBytes) and raw limit. */
export const CHUNK_BYTES = 8 * MIB;
export const RAW_UPLOAD_LIMIT = 50 * MIB;
/** Items per batchCreate and per batchAddMediaItems (google-photos-api.md §C, §D3). */
export const BATCH_ITEMS = 50;
/** Items per Xiaomi listing page the extension asks for (src/xiaomi/listing.ts MAX_PAGE_SIZE). */
export const XIAOMI_PAGE_SIZE = 100;
/**
 * Round trips no client can overlap with bytes: album list, first item page, the first item's
 * three download steps, the answer to the last upload, the last batchCreate.
 */
export const UNAVOIDABLE_ROUND_TRIPS = 7;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ─── Workloads ─────────────────────────────────────────────────────────────────────────────────

export interface LinkShaping {
  /** Round-trip time added to every request (the fakes' per-request latency). */
  rttMs: number;
  /** Upload bandwidth in bytes per second. */
  upBytesPerSec: number;
  /** Download bandwidth in bytes per second; Infinity = unshaped. */
  downBytesPerSec: number;
}

export interface Workload {
  name: string;
  kind: 'photos' | 'videos';
  count: number;
  minBytes: number;
  maxBytes: number;
  seed?: number;
}

/**
 * The workload's library. Photos: presetBulk (JPEGs, every 20th a HEIC, random sizes in the range,
 * all in Camera and every 10th also in a user album). Videos: MP4s in Camera whose sizes spread
 * evenly from the smallest to the largest (300 MB, 650 MB, 1 GB by default), so the largest is there.
 */
export function workloadLibrary(workload: Workload): Library {
  const seed = workload.seed ?? 1;
  if (workload.kind === 'photos') {
    return presetBulk({
      photos: workload.count,
      photoMinBytes: workload.minBytes,
      photoMaxBytes: workload.maxBytes,
      videos: 0,
      seed,
    });
  }
  const start = beijingTime('2023-06-01 12:00:00');
  const items: ItemSpec[] = Array.from({ length: workload.count }, (_, n) => ({
    id: itemId(n + 1, 30_000_000_200_000_000n),
    fileName: `VID_2023060${1 + (n % 9)}_12${String(n % 60).padStart(2, '0')}00.mp4`,
    kind: 'mp4',
    size: Math.round(
      workload.count === 1
        ? workload.maxBytes
        : workload.minBytes + ((workload.maxBytes - workload.minBytes) * n) / (workload.count - 1),
    ),
    dateTaken: start + n * 86_400_000,
    albums: [SYSTEM_ALBUMS.camera],
    width: 3840,
    height: 2160,
    durationMs: 300_000,
  }));
  return makeLibrary({
    userId: DEFAULT_USER_ID,
    albums: [
      { id: SYSTEM_ALBUMS.camera, name: null },
      { id: SYSTEM_ALBUMS.screenshots, name: null },
    ],
    items,
    seed: `bench-videos-${seed}`,
  });
}

export function libraryBytes(library: Library): number {
  return library.items.reduce((sum, item) => sum + item.size, 0);
}

function fakeShaping(shaping: LinkShaping) {
  return {
    latencyMs: shaping.rttMs,
    uploadBytesPerSec: shaping.upBytesPerSec,
    downloadBytesPerSec: shaping.downBytesPerSec,
  };
}

async function startClouds(library: Library, shaping: LinkShaping): Promise<FakeClouds> {
  // The fake Google's per-minute write limit runs on real time here; a benchmark must not meet it.
  return startFakeClouds({ library, shaping: fakeShaping(shaping), google: { writesPerMinute: 1_000 } });
}

/** The ideal time: the bytes at the upload bandwidth plus the round trips nothing can hide. */
export function idealMs(bytes: number, shaping: LinkShaping): number {
  return (bytes / shaping.upBytesPerSec) * 1000 + UNAVOIDABLE_ROUND_TRIPS * shaping.rttMs;
}

// ─── Checking what arrived ────────────────────────────────────────────────────────────────────

const SYSTEM_TITLES = { camera: 'Camera', screenshots: 'Screenshots', private: 'Private album' } as const;

function albumTitle(library: Library, albumId: string): string {
  const album = library.album(albumId);
  return album?.system ? SYSTEM_TITLES[album.system] : album?.name || 'Untitled album';
}

/**
 * Problems with the destination (empty when it is right): every item once, byte-identical (SHA-1
 * and length) under its file name; every non-empty album once, with exactly its items.
 */
export function checkDestination(clouds: FakeClouds, library: Library): string[] {
  const problems: string[] = [];
  const state = clouds.google.state;
  const items = state.mediaItemList();
  if (items.length !== library.items.length) {
    problems.push(`${items.length} media items arrived, expected ${library.items.length}`);
  }
  const bySha1 = new Map<string, typeof items>();
  for (const item of items) bySha1.set(item.sha1, [...(bySha1.get(item.sha1) ?? []), item]);
  for (const item of library.items) {
    const arrived = bySha1.get(item.sha1) ?? [];
    if (arrived.length !== 1) problems.push(`${item.fileName}: arrived ${arrived.length} times`);
    else if (arrived[0]!.byteLength !== item.size || arrived[0]!.filename !== item.fileName) {
      problems.push(`${item.fileName}: arrived as ${arrived[0]!.filename}, ${arrived[0]!.byteLength} bytes`);
    }
  }
  const albums = state.albumList().filter((album) => !album.deletedByUser);
  for (const album of library.albums) {
    const wanted = library.itemsIn(album.id).map((item) => item.sha1);
    if (wanted.length === 0) continue;
    const title = albumTitle(library, album.id);
    const matching = albums.filter((a) => a.title === title);
    if (matching.length !== 1) {
      problems.push(`album ${title}: ${matching.length} albums of that title`);
      continue;
    }
    const inAlbum = state.itemsInAlbum(matching[0]!.id).map((m) => m.sha1);
    if ([...inAlbum].sort().join() !== [...wanted].sort().join()) {
      problems.push(`album ${title}: holds ${inAlbum.length} items, expected ${wanted.length}`);
    }
  }
  return problems.slice(0, 20);
}

// ─── Resources: memory and CPU of the browser's processes ─────────────────────────────────────

export interface MemoryFigures {
  /** Σ RSS over all browser processes while idle, before Start (median of samples). */
  baselineBytes: number;
  /** Highest Σ RSS seen while the job ran. */
  peakBytes: number;
  /** peak − baseline. */
  addedBytes: number;
  /** Highest RSS per process kind (summed over processes of that kind) while the job ran. */
  peakByKind: Record<string, number>;
  baselineByKind: Record<string, number>;
  samples: number;
}

function byKind(samples: { kind: string; rssBytes: number }[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const sample of samples) kinds[sample.kind] = (kinds[sample.kind] ?? 0) + sample.rssBytes;
  return kinds;
}

const CLOCK_TICKS_PER_SEC = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
  } catch {
    return undefined;
  }
}

/** Samples the browser's processes every `intervalMs`: Σ RSS per kind, and CPU time per process. */
class ResourceSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private busy = false;
  peakBytes = 0;
  peakByKind: Record<string, number> = {};
  samples = 0;
  private readonly cpuStart = new Map<number, number>();
  private readonly cpuLast = new Map<number, number>();
  private readonly kindOf = new Map<number, string>();

  constructor(private readonly chromium: RawChromium) {}

  async sampleOnce(): Promise<{ total: number; kinds: Record<string, number> }> {
    const samples = await this.chromium.sampleRss();
    if (this.timer !== undefined) {
      for (const { pid, kind } of samples) {
        this.kindOf.set(pid, kind);
        const cpu = cpuSecondsOf(pid);
        if (cpu === undefined) continue;
        // A process born while the job runs counts from zero.
        if (!this.cpuStart.has(pid)) this.cpuStart.set(pid, 0);
        this.cpuLast.set(pid, cpu);
      }
    }
    return { total: samples.reduce((sum, s) => sum + s.rssBytes, 0), kinds: byKind(samples) };
  }

  /** Median Σ RSS (and its per-kind split) over `ms` of idle. */
  async baseline(ms: number): Promise<{ total: number; kinds: Record<string, number> }> {
    const taken: { total: number; kinds: Record<string, number> }[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      taken.push(await this.sampleOnce());
      await sleep(100);
    }
    taken.sort((a, b) => a.total - b.total);
    return taken[Math.floor(taken.length / 2)]!;
  }

  start(intervalMs: number): void {
    // CPU is counted from here: processes seen now start at their current count, new ones at 0.
    for (const entry of processTree(this.chromium.pid)) {
      const cpu = cpuSecondsOf(entry.pid);
      if (cpu !== undefined) this.cpuStart.set(entry.pid, cpu);
    }
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.sampleOnce()
        .then(({ total, kinds }) => {
          this.samples += 1;
          this.peakBytes = Math.max(this.peakBytes, total);
          for (const [kind, bytes] of Object.entries(kinds)) {
            this.peakByKind[kind] = Math.max(this.peakByKind[kind] ?? 0, bytes);
          }
        })
        .finally(() => {
          this.busy = false;
        });
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  cpuSeconds(): number {
    let total = 0;
    for (const [pid, last] of this.cpuLast) total += last - (this.cpuStart.get(pid) ?? 0);
    return total;
  }

  cpuSecondsByKind(): Record<string, number> {
    const kinds: Record<string, number> = {};
    for (const [pid, last] of this.cpuLast) {
      const kind = this.kindOf.get(pid) ?? 'unknown';
      kinds[kind] = (kinds[kind] ?? 0) + last - (this.cpuStart.get(pid) ?? 0);
    }
    return kinds;
  }
}

// ─── One client's run ──────────────────────────────────────────────────────────────────────────

export interface ClientRun {
  client: 'extension' | 'reference';
  startedAt: number;
  endedAt: number;
  wallMs: number;
  items: number;
  bytes: number;
  /** Decimal megabytes per second. */
  mbPerSec: number;
  itemsPerSec: number;
  /** Photos Library requests during the job, by endpoint id (test/fakes/google). */
  photosRequests: Record<string, number>;
  /** Xiaomi requests during the job, by endpoint (test/fakes/xiaomi recorder). */
  xiaomiRequests: Record<string, number>;
  /** Σ upload bytes that reached the fake Google's front end (request bodies). */
  uploadedBodyBytes: number;
  /** Most Photos Library requests in flight at once, and their time-weighted mean. */
  uploadsInFlight: { max: number; mean: number };
  memory?: MemoryFigures;
  /** CPU seconds: the browser's processes (extension) or the client process (reference), and the fakes. */
  cpu: { clientSeconds: number; fakesSeconds: number; browserByKind?: Record<string, number> };
  /** The machine's 1-minute load average at the start and the end (other work on it skews times). */
  load: { start: number; end: number };
  problems: string[];
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

function photosLog(clouds: FakeClouds, from: number) {
  return clouds.net.log.filter((record) => record.host === PHOTOS_HOST && record.startedAt >= from);
}

/** Max and time-weighted mean of Photos Library requests open at once, from the fake network's log. */
function inFlight(clouds: FakeClouds, from: number, to: number): { max: number; mean: number } {
  const events: [number, number][] = [];
  for (const record of photosLog(clouds, from)) {
    events.push([record.startedAt, 1], [record.endedAt ?? to, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  let area = 0;
  let last = from;
  for (const [at, change] of events) {
    area += open * (at - last);
    last = at;
    open += change;
    max = Math.max(max, open);
  }
  return { max, mean: to > from ? area / (to - from) : 0 };
}

function finishRun(
  client: ClientRun['client'],
  clouds: FakeClouds,
  library: Library,
  startedAt: number,
  endedAt: number,
  counts: { photos: Record<string, number>; xiaomi: Record<string, number> },
  extra: Pick<ClientRun, 'cpu' | 'problems' | 'memory' | 'load'>,
): ClientRun {
  const wallMs = endedAt - startedAt;
  const bytes = libraryBytes(library);
  const items = library.items.length;
  const uploadedBodyBytes = photosLog(clouds, startedAt).reduce((sum, r) => sum + r.requestBytes, 0);
  return {
    client,
    startedAt,
    endedAt,
    wallMs,
    items,
    bytes,
    mbPerSec: bytes / MB / (wallMs / 1000),
    itemsPerSec: items / (wallMs / 1000),
    photosRequests: delta(clouds.google.state.requestCounts.byEndpoint, counts.photos),
    xiaomiRequests: delta(clouds.xiaomi.state.counters, counts.xiaomi),
    uploadedBodyBytes,
    uploadsInFlight: inFlight(clouds, startedAt, endedAt),
    ...extra,
  };
}

function countsNow(clouds: FakeClouds) {
  return {
    photos: { ...clouds.google.state.requestCounts.byEndpoint },
    xiaomi: { ...clouds.xiaomi.state.counters } as Record<string, number>,
  };
}

/** Every Xiaomi album the listing shows (what "Select all" ticks), in its order. */
function visibleAlbumIds(library: Library): string[] {
  return library.albums.filter((album) => !album.hidden).map((album) => album.id);
}

export interface ReferenceOptions {
  concurrency?: number;
}

const REFERENCE_CLIENT = fileURLToPath(new URL('./reference-client.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The reference client in a child process (so it does not share the fakes' event loop). */
export async function runReferenceClient(
  library: Library,
  shaping: LinkShaping,
  options: ReferenceOptions = {},
): Promise<ClientRun> {
  const clouds = await startClouds(library, shaping);
  try {
    const config: ReferenceConfig = {
      ports: clouds.net.ports,
      certPem: clouds.net.certPem,
      cookies: clouds.xiaomi.sessionCookies(),
      accessToken: clouds.google.issueAccessToken(),
      albumIds: visibleAlbumIds(library),
      concurrency: options.concurrency,
      rawUploadLimit: RAW_UPLOAD_LIMIT,
      chunkBytes: CHUNK_BYTES,
      pageSize: XIAOMI_PAGE_SIZE,
    };
    const before = countsNow(clouds);
    const fakesCpu = process.cpuUsage();
    const loadStart = loadavg()[0]!;
    const { result, cpuSeconds } = await runChild(config);
    const fakes = process.cpuUsage(fakesCpu);
    const load = { start: loadStart, end: loadavg()[0]! };
    await clouds.net.settled();
    const problems = [...result.problems, ...checkDestination(clouds, library)];
    return finishRun('reference', clouds, library, result.startedAt, result.endedAt, before, {
      cpu: { clientSeconds: cpuSeconds, fakesSeconds: (fakes.user + fakes.system) / 1e6 },
      load,
      problems,
    });
  } finally {
    await clouds.close();
  }
}

function runChild(config: ReferenceConfig): Promise<{ result: ReferenceResult; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', REFERENCE_CLIENT], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        const parsed = JSON.parse(line) as ReferenceResult & { cpuSeconds: number };
        resolve({ result: parsed, cpuSeconds: parsed.cpuSeconds });
      } catch {
        reject(new Error(`reference client exited with ${code}: ${out.slice(-500)}`));
      }
    });
    child.stdin.end(JSON.stringify(config));
  });
}

export interface ExtensionOptions extends ExtensionSetup {
  /** Called with the fakes before they close, e.g. to study their request logs. */
  inspect?: (clouds: FakeClouds) => void;
  /** Give up when no Photos Library request starts or ends for this long. Default 120 s. */
  stallMs?: number;
  /** Memory sampling interval. Default 200 ms. */
  sampleMs?: number;
}

/** Resolves once every item and album membership has arrived in the fake Google Photos. */
async function destinationComplete(clouds: FakeClouds, library: Library, stallMs: number): Promise<void> {
  const albumsWanted = library.albums
    .map((album) => library.itemsIn(album.id).length)
    .filter((n) => n > 0)
    .reduce((sum, n) => sum + n, 0);
  const state = clouds.google.state;
  let lastActivity = Date.now();
  let lastSeen = -1;
  for (;;) {
    const inAlbums = state.albumList().reduce((sum, album) => sum + album.itemIds.length, 0);
    if (state.mediaItems.size >= library.items.length && inAlbums >= albumsWanted) return;
    const activity = clouds.net.log.length + clouds.net.log.filter((r) => r.outcome !== 'pending').length;
    if (activity !== lastSeen) {
      lastSeen = activity;
      lastActivity = Date.now();
    }
    if (Date.now() - lastActivity > stallMs) {
      throw new Error(`no progress for ${stallMs / 1000} s: ${state.mediaItems.size} items arrived`);
    }
    await sleep(200);
  }
}

/** The built extension in headless Chromium, driven through its popup over raw CDP. */
export async function runExtension(
  library: Library,
  shaping: LinkShaping,
  options: ExtensionOptions = {},
): Promise<ClientRun> {
  const clouds = await startClouds(library, shaping);
  let chromium: RawChromium | undefined;
  try {
    chromium = await launchExtension(clouds, options);
    await signIn(chromium);
    const sampler = new ResourceSampler(chromium);
    // Let the sign-in settle, then take the idle footprint with no page open.
    await sleep(1_500);
    const baseline = await sampler.baseline(2_000);
    const before = countsNow(clouds);
    const fakesCpu = process.cpuUsage();
    sampler.start(options.sampleMs ?? 200);
    const loadStart = loadavg()[0]!;
    const startedAt = await startMigration(chromium);
    try {
      await destinationComplete(clouds, library, options.stallMs ?? 120_000);
    } catch (error) {
      const text = await popupText(chromium).catch(() => '(no popup)');
      throw new Error(`${error instanceof Error ? error.message : error}\nThe popup says: ${text}`);
    } finally {
      sampler.stop();
    }
    const shown = await popupShows(chromium, ['Done', 'Waiting', 'Paused'], 120_000);
    const fakes = process.cpuUsage(fakesCpu);
    const load = { start: loadStart, end: loadavg()[0]! };
    await clouds.net.settled();
    const endedAt = Math.max(...photosLog(clouds, startedAt).map((r) => r.endedAt ?? 0));
    const problems = checkDestination(clouds, library);
    options.inspect?.(clouds);
    if (shown.heading !== 'Done')
      problems.unshift(`the popup says ${shown.heading}: ${shown.text.slice(0, 300)}`);
    const memory: MemoryFigures = {
      baselineBytes: baseline.total,
      peakBytes: sampler.peakBytes,
      addedBytes: sampler.peakBytes - baseline.total,
      peakByKind: sampler.peakByKind,
      baselineByKind: baseline.kinds,
      samples: sampler.samples,
    };
    return finishRun('extension', clouds, library, startedAt, endedAt, before, {
      memory,
      cpu: {
        clientSeconds: sampler.cpuSeconds(),
        fakesSeconds: (fakes.user + fakes.system) / 1e6,
        browserByKind: sampler.cpuSecondsByKind(),
      },
      load,
      problems,
    });
  } finally {
    await chromium?.close();
    await clouds.close();
  }
}

// ─── A workload: both clients and the budgets ─────────────────────────────────────────────────

export interface Budget {
  name: string;
  limit: string;
  measured: string;
  pass: boolean;
}

export interface WorkloadResult {
  workload: Workload;
  shaping: LinkShaping;
  items: number;
  bytes: number;
  /** Sizes of the items above the raw limit (the videos), bytes. */
  largeItemSizes: number[];
  idealMs: number;
  reference: ClientRun;
  extension: ClientRun;
  /** Extension throughput ÷ reference throughput; ideal time ÷ wall time of each. */
  ratios: { extensionToReference: number; extensionToIdeal: number; referenceToIdeal: number };
  /** Photos Library requests per item: all of them, and the per-item path (uploads + batchCreate). */
  requestsPerItem: { extension: number; reference: number; extensionPerItemPath: number };
  budgets: Budget[];
}

const SESSION_ENDPOINTS = ['uploads:start', 'uploads:chunk', 'uploads:query', 'uploads:cancel'];
const PER_ITEM_ENDPOINTS = ['uploads:raw', ...SESSION_ENDPOINTS, 'mediaItems:batchCreate'];

function sumOf(counts: Record<string, number>, endpoints?: readonly string[]): number {
  return Object.entries(counts)
    .filter(([endpoint]) => endpoints === undefined || endpoints.includes(endpoint))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Sessions of the large items: one start and one request per chunk each. */
export function expectedSessionRequests(sizes: readonly number[]): number {
  return sizes.reduce((sum, size) => sum + 1 + Math.ceil(size / CHUNK_BYTES), 0);
}

/** Pages Xiaomi's paging needs for every non-empty selected album, at 100 items a page. */
export function expectedListingPages(library: Library): number {
  return library.albums.reduce((sum, album) => {
    const n = library.itemsIn(album.id).length;
    return sum + Math.max(1, Math.ceil(n / XIAOMI_PAGE_SIZE));
  }, 0);
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);

/** The budgets that are not timing (the quick CI run asserts these). */
export function correctnessBudgets(
  library: Library,
  run: ClientRun,
  reference: ClientRun | undefined,
): Budget[] {
  const budgets: Budget[] = [];
  const photos = library.items.filter((item) => item.size <= RAW_UPLOAD_LIMIT).length;
  const large = library.items.filter((item) => item.size > RAW_UPLOAD_LIMIT).map((item) => item.size);
  budgets.push({
    name: 'destination byte-identical',
    limit: 'every item once, same SHA-1 and size, in its albums',
    measured: run.problems.length === 0 ? 'yes' : run.problems.slice(0, 3).join('; '),
    pass: run.problems.length === 0,
  });
  if (photos > 0 && large.length === 0) {
    const perItem = sumOf(run.photosRequests, PER_ITEM_ENDPOINTS) / photos;
    // One upload each and a batchCreate per 50: 1.02 exactly for whole fifties, more for fewer photos.
    const limit = Math.max(1.02, (photos + Math.ceil(photos / BATCH_ITEMS)) / photos);
    budgets.push({
      name: 'photoslibrary requests per photo',
      limit: `≤ ${fmt(limit, 3)} (uploads + batchCreate)`,
      measured: `${fmt(perItem, 3)} (all requests: ${fmt(sumOf(run.photosRequests) / photos, 3)})`,
      pass: perItem <= limit + 1e-9,
    });
  }
  if (reference && large.length === 0) {
    const albums = library.albums.filter((album) => library.itemsIn(album.id).length > 0).length;
    const extra = sumOf(run.photosRequests) - sumOf(reference.photosRequests);
    budgets.push({
      name: 'photoslibrary requests beyond the reference client',
      limit: `≤ ${albums} (verification: one albums.get per album)`,
      measured: `${extra} (${sumOf(run.photosRequests)} vs ${sumOf(reference.photosRequests)})`,
      pass: extra <= albums,
    });
  }
  if (large.length > 0) {
    const sessions = sumOf(run.photosRequests, SESSION_ENDPOINTS);
    const expected = expectedSessionRequests(large);
    budgets.push({
      name: 'large-video upload requests',
      limit: `≤ one start + one per 8 MiB chunk = ${expected}`,
      measured: `${sessions} (${run.photosRequests['uploads:start'] ?? 0} starts, ${run.photosRequests['uploads:chunk'] ?? 0} chunks, ${run.photosRequests['uploads:query'] ?? 0} queries)`,
      pass: sessions <= expected,
    });
  }
  const pages = run.xiaomiRequests.galleries ?? 0;
  const wantedPages = expectedListingPages(library);
  budgets.push({
    name: 'Xiaomi listing requests',
    limit: `= Σ ceil(album items / ${XIAOMI_PAGE_SIZE}) = ${wantedPages}`,
    measured: `${pages} item pages`,
    pass: pages <= wantedPages,
  });
  return budgets;
}

export function summarize(
  workload: Workload,
  shaping: LinkShaping,
  library: Library,
  reference: ClientRun,
  extension: ClientRun,
): WorkloadResult {
  const bytes = libraryBytes(library);
  const ideal = idealMs(bytes, shaping);
  const items = library.items.length;
  const ratios = {
    extensionToReference: extension.mbPerSec / reference.mbPerSec,
    extensionToIdeal: ideal / extension.wallMs,
    referenceToIdeal: ideal / reference.wallMs,
  };
  const budgets: Budget[] = [
    {
      name: 'throughput vs reference client',
      limit: '≥ 0.90',
      measured: `${fmt(ratios.extensionToReference)} (${fmt(extension.mbPerSec)} vs ${fmt(reference.mbPerSec)} MB/s)`,
      pass: ratios.extensionToReference >= 0.9,
    },
    ...correctnessBudgets(library, extension, reference),
  ];
  return {
    workload,
    shaping,
    items,
    bytes,
    largeItemSizes: library.items.filter((i) => i.size > RAW_UPLOAD_LIMIT).map((i) => i.size),
    idealMs: ideal,
    reference,
    extension,
    ratios,
    requestsPerItem: {
      extension: sumOf(extension.photosRequests) / items,
      reference: sumOf(reference.photosRequests) / items,
      extensionPerItemPath: sumOf(extension.photosRequests, PER_ITEM_ENDPOINTS) / items,
    },
    budgets,
  };
}

/** One workload: the reference client, then the extension, on fresh fakes with the same shaping. */
export async function runWorkload(
  workload: Workload,
  shaping: LinkShaping,
  options: { reference?: ReferenceOptions; extension?: ExtensionOptions; log?: (line: string) => void } = {},
): Promise<WorkloadResult> {
  const log = options.log ?? (() => {});
  const library = workloadLibrary(workload);
  await library.computeDigests();
  log(
    `${workload.name}: ${library.items.length} items, ${fmt(libraryBytes(library) / MB, 0)} MB — reference client…`,
  );
  const reference = await runReferenceClient(library, shaping, options.reference);
  log(`${workload.name}: reference ${fmt(reference.wallMs / 1000, 1)} s — extension…`);
  const extension = await runExtension(library, shaping, options.extension);
  log(`${workload.name}: extension ${fmt(extension.wallMs / 1000, 1)} s`);
  return summarize(workload, shaping, library, reference, extension);
}

// ─── Memory: one video at a time, small and large ─────────────────────────────────────────────

export interface MemoryResult {
  /** One run of the extension per size, each with a single video of that size. */
  runs: { bytes: number; wallMs: number; mbPerSec: number; memory: MemoryFigures; problems: string[] }[];
  budgets: Budget[];
}

/**
 * Peak browser memory should not grow with the file: the extension moves one video of each size
 * alone (no reference client needed) and the added Σ RSS of the browser's processes is compared.
 */
export async function runMemoryScenario(
  sizes: readonly number[],
  shaping: LinkShaping,
  options: { dist?: string; log?: (line: string) => void } = {},
): Promise<MemoryResult> {
  const runs: MemoryResult['runs'] = [];
  for (const size of sizes) {
    const library = workloadLibrary({
      name: 'memory',
      kind: 'videos',
      count: 1,
      minBytes: size,
      maxBytes: size,
    });
    await library.computeDigests();
    const run = await runExtension(library, shaping, { dist: options.dist });
    runs.push({
      bytes: size,
      wallMs: run.wallMs,
      mbPerSec: run.mbPerSec,
      memory: run.memory!,
      problems: run.problems,
    });
    options.log?.(`memory: one ${fmt(size / MB, 0)} MB video adds ${fmt(run.memory!.addedBytes / MB, 0)} MB`);
  }
  const largest = runs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const smallest = runs.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  const budgets: Budget[] = [
    {
      name: `peak browser memory added by one ${fmt(largest.bytes / MB / 1000)} GB video`,
      limit: '< 150 MB',
      measured: `${fmt(largest.memory.addedBytes / MB, 0)} MB (${fmt(smallest.bytes / MB, 0)} MB video: ${fmt(smallest.memory.addedBytes / MB, 0)} MB)`,
      pass: largest.memory.addedBytes < 150 * MB && largest.problems.length === 0,
    },
  ];
  return { runs, budgets };
}

// ─── The popup and the listing of a 20,000-item job ───────────────────────────────────────────

export interface PopupResult {
  items: number;
  /** Xiaomi requests the planning made: item pages, and album listings. */
  listing: { itemPages: number; expectedPages: number; albumLists: number };
  /** Navigation start → the running job's progress and album list, with the worker running. */
  warm: UsefulViewTiming[];
  /** The same right after the service worker was stopped. */
  cold: UsefulViewTiming[];
  budgets: Budget[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Plans a job of `items` tiny photos in one album, keeps it running with every upload held by the
 * fake Google, then opens the popup again and again and times its first useful view.
 */
export async function runPopupScenario(
  items: number,
  shaping: LinkShaping,
  options: { warmRuns?: number; coldRuns?: number; dist?: string; log?: (line: string) => void } = {},
): Promise<PopupResult> {
  const log = options.log ?? (() => {});
  const library = presetHugeAlbum({ items });
  const clouds = await startClouds(library, shaping);
  // Uploads get no answer for ten minutes: the job stays running with its plan complete.
  clouds.google.setLatency(600_000, 'uploads:raw');
  let chromium: RawChromium | undefined;
  try {
    chromium = await launchExtension(clouds, { dist: options.dist });
    await signIn(chromium);
    const before = countsNow(clouds);
    await startMigration(chromium);
    const planned = Date.now();
    while (clouds.google.state.requestsTo('uploads:raw').length === 0) {
      if (Date.now() - planned > 300_000) throw new Error('the plan of the 20,000-item job did not complete');
      await sleep(100);
    }
    const xiaomi = delta(clouds.xiaomi.state.counters, before.xiaomi);
    const listing = {
      itemPages: xiaomi.galleries ?? 0,
      expectedPages: expectedListingPages(library),
      albumLists: (xiaomi['album-list'] ?? 0) + (xiaomi['album-full'] ?? 0),
    };
    log(
      `popup: ${items} items planned in ${fmt((Date.now() - planned) / 1000, 1)} s, ${listing.itemPages} item pages`,
    );
    await sleep(1_000);
    const warm: UsefulViewTiming[] = [];
    for (let i = 0; i < (options.warmRuns ?? 7); i++) warm.push(await timePopupUsefulView(chromium));
    const cold: UsefulViewTiming[] = [];
    for (let i = 0; i < (options.coldRuns ?? 3); i++) {
      await stopServiceWorker(chromium);
      cold.push(await timePopupUsefulView(chromium));
      await sleep(1_000);
    }
    const warmPaint = median(warm.map((t) => t.paintMs));
    const coldPaint = median(cold.map((t) => t.paintMs));
    const budgets: Budget[] = [
      {
        name: `popup first useful view, ${items.toLocaleString('en')}-item job`,
        limit: '< 150 ms (worker running)',
        measured: `${fmt(warmPaint, 0)} ms median of ${warm.length} (worker stopped first: ${fmt(coldPaint, 0)} ms)`,
        pass: warmPaint < 150,
      },
      {
        name: `Xiaomi listing requests, ${items.toLocaleString('en')} items`,
        limit: `= ceil(${items}/${XIAOMI_PAGE_SIZE}) + 1 per empty album = ${listing.expectedPages}`,
        measured: `${listing.itemPages} item pages (+ ${listing.albumLists} album lists)`,
        pass: listing.itemPages <= listing.expectedPages,
      },
    ];
    return { items, listing, warm, cold, budgets };
  } finally {
    await chromium?.close();
    await clouds.close();
  }
}
