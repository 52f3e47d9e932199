/** The benchmark's results as a Markdown report and a console table. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { CHROMIUM_PATH } from '../test/e2e/chromium.ts';
import type { UsefulViewTiming } from './extension-driver.ts';
import {
  type Budget,
  type ClientRun,
  type LinkShaping,
  MB,
  type MemoryResult,
  type PopupResult,
  type WorkloadResult,
} from './harness.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  chromium: string;
}

export function machine(): Machine {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .replace(/ built on.*/, '');
  } catch {
    // Reported as unknown.
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    chromium,
  };
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: Machine;
  shaping: LinkShaping;
  workloads: WorkloadResult[];
  memory?: MemoryResult;
  popup?: PopupResult;
  notes: string[];
}

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mbit = (bytesPerSec: number) =>
  Number.isFinite(bytesPerSec) ? `${f((bytesPerSec * 8) / 1e6, 0)} Mbit/s` : 'unshaped';

export function allBudgets(report: BenchReport): (Budget & { scope: string })[] {
  return [
    ...report.workloads.flatMap((w) => w.budgets.map((b) => ({ ...b, scope: w.workload.name }))),
    ...(report.memory?.budgets.map((b) => ({ ...b, scope: 'memory' })) ?? []),
    ...(report.popup?.budgets.map((b) => ({ ...b, scope: 'popup' })) ?? []),
  ];
}

function clientRow(w: WorkloadResult, run: ClientRun): string {
  const toRef = run.client === 'extension' ? f(w.ratios.extensionToReference) : '1.00';
  const toIdeal = run.client === 'extension' ? w.ratios.extensionToIdeal : w.ratios.referenceToIdeal;
  const requests = Object.values(run.photosRequests).reduce((s, n) => s + n, 0);
  const memory = run.memory
    ? `${f(run.memory.addedBytes / MB, 0)} MB (peak Σ ${f(run.memory.peakBytes / MB, 0)})`
    : '–';
  return `| ${run.client} | ${f(run.wallMs / 1000, 1)} | ${f(run.mbPerSec)} | ${f(run.itemsPerSec)} | ${toRef} | ${f(toIdeal)} | ${f(requests / run.items, 3)} | ${f(run.uploadsInFlight.mean, 1)} / ${run.uploadsInFlight.max} | ${f(run.cpu.clientSeconds, 0)} s / ${f(run.cpu.fakesSeconds, 0)} s | ${memory} | ${f(run.load.start, 1)} → ${f(run.load.end, 1)} |`;
}

function budgetTable(budgets: (Budget & { scope: string })[]): string[] {
  return [
    '| scope | budget | limit | measured | result |',
    '|---|---|---|---|---|',
    ...budgets.map(
      (b) => `| ${b.scope} | ${b.name} | ${b.limit} | ${b.measured} | ${b.pass ? 'PASS' : '**FAIL**'} |`,
    ),
  ];
}

export function markdown(report: BenchReport): string {
  const { machine: m, shaping } = report;
  const lines = [
    `# Benchmark ${report.startedAt}`,
    '',
    `Machine: ${m.cpus} vCPU (${m.cpuModel}), ${m.memoryGb} GB RAM, Node ${m.node}, ${m.chromium}.`,
    `Link: round trip ${shaping.rttMs} ms, upload ${mbit(shaping.upBytesPerSec)}, download ${mbit(shaping.downBytesPerSec)}.`,
    `Command: \`${report.command}\``,
    '',
  ];
  for (const w of report.workloads) {
    const sizes = w.largeItemSizes.map((s) => `${f(s / MB, 0)} MB`).join(', ');
    lines.push(
      `## ${w.workload.name}: ${w.items} items, ${f(w.bytes / MB, 0)} MB${sizes ? ` (${sizes})` : ''}`,
      '',
      `Ideal (bytes ÷ upload bandwidth + unavoidable round trips): ${f(w.idealMs / 1000, 1)} s.`,
      '',
      '| client | wall s | MB/s | items/s | × reference | × ideal | photoslibrary req/item | uploads in flight (mean / max) | CPU browser-or-client / fakes | peak memory added | machine load |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      clientRow(w, w.reference),
      clientRow(w, w.extension),
      '',
      `Photos Library requests — extension: ${JSON.stringify(w.extension.photosRequests)}; reference: ${JSON.stringify(w.reference.photosRequests)}.`,
      `Xiaomi requests — extension: ${JSON.stringify(w.extension.xiaomiRequests)}; reference: ${JSON.stringify(w.reference.xiaomiRequests)}.`,
    );
    if (w.extension.memory) {
      const kinds = Object.entries(w.extension.memory.peakByKind)
        .map(
          ([kind, bytes]) =>
            `${kind} ${f(bytes / MB, 0)} (idle ${f((w.extension.memory!.baselineByKind[kind] ?? 0) / MB, 0)})`,
        )
        .join(', ');
      lines.push(`Browser RSS peaks by process kind, MB: ${kinds}.`);
      const cpu = Object.entries(w.extension.cpu.browserByKind ?? {})
        .filter(([, seconds]) => seconds >= 0.5)
        .map(([kind, seconds]) => `${kind} ${f(seconds, 0)}`)
        .join(', ');
      if (cpu) lines.push(`Browser CPU seconds by process kind: ${cpu}.`);
    }
    for (const run of [w.reference, w.extension]) {
      if (run.problems.length > 0) lines.push(`Problems (${run.client}): ${run.problems.join('; ')}`);
    }
    lines.push('');
  }
  if (report.memory) {
    lines.push('## Memory: one video at a time', '');
    for (const run of report.memory.runs) {
      const kinds = Object.entries(run.memory.peakByKind)
        .map(([kind, bytes]) => `${kind} +${f((bytes - (run.memory.baselineByKind[kind] ?? 0)) / MB, 0)}`)
        .join(', ');
      lines.push(
        `- ${f(run.bytes / MB, 0)} MB video: ${f(run.wallMs / 1000, 1)} s, ${f(run.mbPerSec)} MB/s; peak Σ RSS ${f(run.memory.peakBytes / MB, 0)} MB, +${f(run.memory.addedBytes / MB, 0)} MB over idle (${kinds})${run.problems.length ? `; problems: ${run.problems.join('; ')}` : ''}`,
      );
    }
    lines.push('');
  }
  if (report.popup) {
    const p = report.popup;
    const list = (ts: { paintMs: number }[]) => ts.map((t) => f(t.paintMs, 0)).join(', ');
    const split = (ts: UsefulViewTiming[]) =>
      ts.map((t) => `${f(t.loadedMs, 0)}/${f(t.mountMs, 0)}/${f(t.domMs, 0)}/${f(t.paintMs, 0)}`).join(', ');
    lines.push(
      `## Popup and listing: a job of ${p.items.toLocaleString('en')} items`,
      '',
      `Xiaomi item pages: ${p.listing.itemPages} (paging needs ${p.listing.expectedPages}); album listings: ${p.listing.albumLists}.`,
      `Popup open → running job's progress and album list painted, ms: worker running ${list(p.warm)}; worker stopped first ${list(p.cold)}.`,
      `The same split as page script loaded / first element / job in the DOM / painted, ms: worker running ${split(p.warm)}; worker stopped first ${split(p.cold)}.`,
      '',
    );
  }
  lines.push('## Budgets', '', ...budgetTable(allBudgets(report)), '');
  if (report.notes.length > 0) lines.push('## Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** A compact console summary: one line per client and the budgets with PASS/FAIL. */
export function consoleSummary(report: BenchReport): string {
  const out: string[] = [];
  for (const w of report.workloads) {
    out.push(
      `\n${w.workload.name}: ${w.items} items, ${f(w.bytes / MB, 0)} MB, ideal ${f(w.idealMs / 1000, 1)} s`,
    );
    for (const run of [w.reference, w.extension]) {
      const toIdeal = run.client === 'extension' ? w.ratios.extensionToIdeal : w.ratios.referenceToIdeal;
      out.push(
        `  ${run.client.padEnd(9)} ${f(run.wallMs / 1000, 1).padStart(7)} s ${f(run.mbPerSec).padStart(7)} MB/s ${f(run.itemsPerSec).padStart(7)} items/s  ×ideal ${f(toIdeal)}` +
          (run.memory ? `  +${f(run.memory.addedBytes / MB, 0)} MB` : ''),
      );
    }
  }
  for (const run of report.memory?.runs ?? []) {
    out.push(
      `\nmemory: one ${f(run.bytes / MB, 0)} MB video ${f(run.wallMs / 1000, 1)} s, +${f(run.memory.addedBytes / MB, 0)} MB (peak Σ ${f(run.memory.peakBytes / MB, 0)} MB)`,
    );
  }
  if (report.popup) {
    const p = report.popup;
    out.push(
      `\npopup (${p.items} items): warm ${p.warm.map((t) => f(t.paintMs, 0)).join('/')} ms, cold ${p.cold.map((t) => f(t.paintMs, 0)).join('/')} ms`,
    );
  }
  out.push('');
  const budgets = allBudgets(report);
  const width = Math.max(...budgets.map((b) => `${b.scope}: ${b.name}`.length));
  for (const b of budgets) {
    out.push(
      `${b.pass ? 'PASS' : 'FAIL'}  ${`${b.scope}: ${b.name}`.padEnd(width)}  ${b.limit.padEnd(44)} ${b.measured}`,
    );
  }
  return out.join('\n');
}
