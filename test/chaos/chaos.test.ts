/**
 * The chaos suite: whole migrations of a few hundred items through the popup of the built
 * extension in real Chromium, one kind of trouble per run (scenarios.ts), each judged on what
 * arrived in the fake Google Photos against the library and the exported receipt. It prints a
 * table and writes it to test/chaos/results/latest.md; a scenario fails unless nothing was lost,
 * nothing duplicated and nothing left unexplained.
 *
 *   npm run test:chaos                                   # every scenario, a new seed
 *   CHAOS_SEED=4711 CHAOS_SCENARIO=browser-kills,sw-stops npm run test:chaos    # replay some
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { ReceiptRow } from '../../src/shared/messages.ts';
import {
  auditMigration,
  configureGoogleClient,
  exportReceipt,
  startFromPopup,
  waitForDone,
} from '../e2e/flow.ts';
import { launchBrowser } from '../e2e/harness.ts';
import { type FakeClouds, startFakeClouds } from '../fakes/clouds.ts';
import { seededRandom } from '../fakes/random.ts';
import { rememberXiaomiLogin, storeSettings } from './disruptions.ts';
import { chaosLibrary } from './library.ts';
import { type ChaosRun, popupOf, SCENARIOS, type Scenario } from './scenarios.ts';

/** Built by `npm run test:chaos` apart from dist/, so a build for another test cannot swap the extension mid-run. */
const CHAOS_DIST = fileURLToPath(new URL('../../.tmp/chaos-dist', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/latest.md', import.meta.url));
const DEFAULT_TIMEOUT_MS = 6 * 60_000;
/** Left at the end of a scenario's budget for exporting and judging the receipt. */
const JUDGING_MS = 45_000;

/** The code the run built and tests, taken at its start ("-dirty": with uncommitted changes). */
const COMMIT = (() => {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 1_000_000);
const chosen = selectScenarios(process.env.CHAOS_SCENARIO);
const library = chaosLibrary(SEED);
const allAlbums = library.albums.map((album) => album.id);

function selectScenarios(names: string | undefined): Scenario[] {
  if (!names) return SCENARIOS;
  const wanted = names.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown CHAOS_SCENARIO ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => wanted.includes(s.name));
}

/** Each scenario's own seed, so one can be replayed alone with the same faults (FNV-1a of its name). */
function scenarioSeed(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash ^ SEED) >>> 0;
}

interface Outcome {
  scenario: string;
  faults: string;
  items: number;
  disruptions: number;
  /** Error answers and cut connections the fakes served. */
  faultAnswers: number;
  arrived: number;
  reported: ReceiptRow[];
  lost: string[];
  duplicated: string[];
  unexplained: string[];
  verified: string;
  /** What the popup says of each album it could not verify (for the findings, not the verdict). */
  unverified: string[];
  seconds: number;
  /** Why the run did not finish, when it did not. */
  stuck?: string;
}

const outcomes: Outcome[] = [];

/** Error answers the fakes gave: injected faults, refusals (429, 401, storage full…) and cut connections. */
function faultAnswers(clouds: FakeClouds): number {
  const google = clouds.google.state.requestLog.filter(
    (e) => e.service === 'photos' && (e.fault !== undefined || e.status === undefined || e.status >= 400),
  ).length;
  const xiaomi = clouds.xiaomi.state.requests.filter((r) => r.fault !== undefined || r.status >= 400).length;
  return google + xiaomi;
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  const started = Date.now();
  const deadline = started + (scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS) - JUDGING_MS;
  const seed = scenarioSeed(scenario.name);
  const disruptions: string[] = [];
  const outcome: Outcome = {
    scenario: scenario.name,
    faults: scenario.faults,
    items: library.items.length,
    disruptions: 0,
    faultAnswers: 0,
    arrived: 0,
    reported: [],
    lost: [],
    duplicated: [],
    unexplained: [],
    verified: '–',
    unverified: [],
    seconds: 0,
  };
  const clouds = await startFakeClouds({
    library,
    // Whether Google hands back the same item for the same bytes is unknown (google-photos-api.md
    // §I4, §C8): take the unforgiving answer, so that only the engine's records keep items single.
    google: { seed, dedupe: 'new-item', ...scenario.clouds?.google },
    xiaomi: { seed, ...scenario.clouds?.xiaomi },
    shaping: scenario.clouds?.shaping,
  });
  let run: ChaosRun | undefined;
  try {
    const fresh = await launchBrowser({ net: clouds.net, dist: CHAOS_DIST });
    run = {
      clouds,
      library,
      random: seededRandom(seed),
      browser: fresh,
      popup: undefined,
      disrupt: (what) => disruptions.push(what),
      destinationComplete: () => {
        const audit = auditMigration(clouds, library, allAlbums);
        return audit.arrived === audit.items && audit.lost.length === 0;
      },
    };
    await configureGoogleClient(run.browser, clouds);
    if (scenario.settings) await storeSettings(run.browser, scenario.settings);
    run.browser = await rememberXiaomiLogin(clouds, run.browser);
    run.popup = await startFromPopup(run.browser);
    await scenario.drive(run);
    const popup = await popupOf(run);
    await waitForDone(popup, Math.max(10_000, deadline - Date.now()));
    // The popup's per-album checks (src/ui/components.tsx AlbumChecks), for the findings only.
    const verified = await popup.locator('li.verified').count();
    outcome.unverified = await popup.locator('li.unverified').allTextContents();
    outcome.verified = `${verified}/${verified + outcome.unverified.length}`;
    const receipt = await exportReceipt(run.browser);
    const audit = auditMigration(clouds, library, allAlbums, { receipt });
    const current = run;
    const honest = audit.reported.filter((row) => scenario.mayReport?.(row, current) ?? false);
    Object.assign(outcome, {
      arrived: audit.arrived,
      reported: honest,
      lost: audit.lost,
      duplicated: audit.duplicated,
      unexplained: [
        ...audit.unexplained,
        ...audit.reported
          .filter((row) => !honest.includes(row))
          .map(
            (row) =>
              `${row.fileName} (${row.xiaomiId}) ended ${row.state}: ${row.reasonKind} — ${row.reason}`,
          ),
      ],
    });
  } catch (error) {
    outcome.stuck = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const popup = run?.popup && !run.popup.isClosed() ? run.popup : undefined;
    const shown = await popup?.evaluate(() => document.body.textContent ?? '').catch(() => undefined);
    if (shown) outcome.stuck += ` — the popup said: ${shown.replace(/\s+/g, ' ').slice(0, 300)}`;
  } finally {
    outcome.disruptions = disruptions.length;
    outcome.faultAnswers = faultAnswers(clouds);
    outcome.seconds = Math.round((Date.now() - started) / 1000);
    await run?.browser.close();
    await clouds.close();
  }
  return outcome;
}

console.log(
  `chaos seed ${SEED} (replay: CHAOS_SEED=${SEED} CHAOS_SCENARIO=<name> npm run test:chaos); ` +
    `${library.items.length} items; scenarios: ${chosen.map((s) => s.name).join(', ')}`,
);

for (const scenario of chosen) {
  it(scenario.name, { timeout: scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS }, async () => {
    const outcome = await runScenario(scenario);
    outcomes.push(outcome);
    console.log(formatTable([outcome]));
    expect(outcome.stuck, 'the job finished').toBeUndefined();
    expect(outcome.lost, 'lost').toEqual([]);
    expect(outcome.duplicated, 'duplicated').toEqual([]);
    expect(outcome.unexplained, 'unexplained').toEqual([]);
  });
}

afterAll(() => {
  if (outcomes.length === 0) return;
  const table = formatTable(outcomes);
  console.log(`\nchaos seed ${SEED}\n${table}`);
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, report(table));
});

function formatTable(rows: Outcome[]): string {
  const lines = [
    '| scenario | items | disruptions | fault answers | arrived | reported | lost | duplicated | unexplained | verified | wall time |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const o of rows) {
    const status = o.stuck ? ' ⚠ did not finish' : '';
    lines.push(
      `| ${o.scenario}${status} | ${o.items} | ${o.disruptions} | ${o.faultAnswers} | ${o.arrived} | ${o.reported.length} | ` +
        `${o.lost.length} | ${o.duplicated.length} | ${o.unexplained.length} | ${o.verified} | ${o.seconds} s |`,
    );
  }
  return lines.join('\n');
}

function report(table: string): string {
  const details = outcomes.flatMap((o) => {
    const findings = [
      ...(o.stuck ? [`- did not finish: ${o.stuck}`] : []),
      ...o.lost.map((line) => `- lost: ${line}`),
      ...o.duplicated.map((line) => `- duplicated: ${line}`),
      ...o.unexplained.map((line) => `- unexplained: ${line}`),
      ...o.reported.map((row) => `- reported (${row.state}): ${row.fileName} — ${row.reasonKind}`),
      ...o.unverified.map((text) => `- not verified: ${text}`),
    ];
    return [
      `### ${o.scenario}`,
      '',
      o.faults,
      '',
      ...(findings.length > 0 ? findings : ['- nothing to report']),
      '',
    ];
  });
  return [
    '# Chaos run',
    '',
    `Seed ${SEED} · commit ${COMMIT} · ${library.items.length} items (${Math.round(library.items.reduce((s, i) => s + i.size, 0) / 1e6)} MB)`,
    '',
    `Replay: \`CHAOS_SEED=${SEED} CHAOS_SCENARIO=<name> npm run test:chaos\`. The fake Google answers identical`,
    'bytes with a new item (`dedupe: new-item`), so only the engine keeps items single. "Fault answers"',
    'counts error answers and cut connections the fakes served; "disruptions" what the scenario did',
    'to the browser or the clouds itself. "Reported" items ended skipped or failed with a reason the',
    'scenario expects; any other reason counts as unexplained.',
    '',
    table,
    '',
    '## Findings per scenario',
    '',
    ...details,
  ].join('\n');
}
