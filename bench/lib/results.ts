// The result of one benchmark: written to bench/results/<name>.json, printed as a table, and
// rendered into bench/RESULTS.md together with the results of the other benchmarks.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Contention } from './contention';
import type { MachineInfo } from './machine';
import type { Summary } from './stats';

export interface Row {
  label: string;
  unit: string;
  median: number;
  min?: number;
  max?: number;
  /** Every repetition, in the order measured. */
  runs?: number[];
}

export interface Target {
  label: string;
  /** null when the benchmark could not run (the comment says why). */
  measured: number | null;
  op: '>=' | '<=';
  threshold: number;
  met: boolean;
  /** Why the target was missed, or what the number means; shown next to it. */
  comment?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  /** The workload, in a few sentences. */
  workload: string;
  startedAt: string;
  durationS: number;
  quick: boolean;
  repetitions: number;
  machine: MachineInfo;
  /** 1-minute load average when the benchmark started (the previous benchmark's own load included). */
  loadAverage1m?: number;
  /** CPU the rest of the machine used while the benchmark ran: other work skews every number. */
  contention?: Contention;
  /** The exact commands behind the numbers (server, clients, generators). */
  commands: string[];
  rows: Row[];
  targets: Target[];
  notes: string[];
  /** Anything else a reader may want to check, e.g. what each tool produced. */
  details?: Record<string, unknown>;
}

export function row(label: string, unit: string, s: Summary | number): Row {
  if (typeof s === 'number') return { label, unit, median: s };
  return { label, unit, median: s.median, min: s.min, max: s.max, runs: s.runs };
}

export function target(label: string, measured: number, op: '>=' | '<=', threshold: number, comment?: string): Target {
  const met = op === '>=' ? measured >= threshold : measured <= threshold;
  return { label, measured, op, threshold, met, ...(comment ? { comment } : {}) };
}

/** Other processes taking more than this share of the machine's CPU make a benchmark's numbers suspect. */
const BUSY_SHARE = 0.05;

export function resultsDir(repoRoot: string): string {
  return path.join(repoRoot, 'bench', 'results');
}

/**
 * A command as anyone can run it from the repository: the measuring machine's paths of the
 * repository and of the folders beside it (../shared data, ../.cache-bench tools) made relative.
 */
export function portableCommand(command: string, repoRoot: string): string {
  const parent = path.dirname(repoRoot);
  return command.split(`${repoRoot}/`).join('').split(`${parent}/`).join('../');
}

export function writeResult(repoRoot: string, result: BenchResult): string {
  const dir = resultsDir(repoRoot);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.name}.json`);
  const portable = { ...result, commands: result.commands.map((c) => portableCommand(c, repoRoot)) };
  writeFileSync(file, `${JSON.stringify(portable, null, 2)}\n`);
  return file;
}

/** Every result file present, in the given order first, then any others by name. */
export function readResults(repoRoot: string, order: readonly string[]): BenchResult[] {
  const dir = resultsDir(repoRoot);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const rank = (name: string): number => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  return files
    .map((f) => fromJson(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown, f))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/**
 * A result file in this module's format as is; one written by another benchmark in its own format
 * (the panel benchmark's {benchmark, medianMs, targetsMs, meetsTargets, …}) adapted so that its
 * medians and targets still appear in RESULTS.md, with a pointer to the raw file.
 */
function fromJson(json: unknown, file: string): BenchResult {
  const o = (json ?? {}) as Record<string, unknown>;
  if (Array.isArray(o.rows) && Array.isArray(o.targets)) return json as BenchResult;
  const name = file.replace(/\.json$/, '');
  const medians = (o.medianMs ?? {}) as Record<string, number>;
  const goals = (o.targetsMs ?? {}) as Record<string, number>;
  const met = (o.meetsTargets ?? {}) as Record<string, boolean>;
  const machine = (o.machine ?? {}) as Record<string, unknown>;
  return {
    name,
    title: `${typeof o.benchmark === 'string' ? o.benchmark : name} benchmark`,
    workload: `Written by its own script in its own format; every number is in [results/${file}](results/${file}). Workload: \`${JSON.stringify(o.workload ?? {})}\`.`,
    startedAt: typeof o.date === 'string' ? o.date : '',
    durationS: Number.NaN,
    quick: false,
    repetitions: typeof o.runs === 'number' ? o.runs : 0,
    machine: {
      cpuModel: String(machine.cpuModel ?? 'unknown'),
      cores: Number(machine.cpus ?? 0),
      memoryGiB: Number.NaN,
      node: String(machine.node ?? ''),
      os: '',
      commit: typeof machine.commit === 'string' ? machine.commit : '',
    },
    commands: [],
    rows: Object.entries(medians).map(([label, median]) => ({ label, unit: 'ms', median })),
    targets: Object.entries(met).map(([key, ok]) => ({ label: `${key} (ms)`, measured: medians[key] ?? null, op: '<=' as const, threshold: goals[`${key}Ms`] ?? Number.NaN, met: ok })),
    notes: typeof machine.loadAverage1m === 'number' ? [`Load average (1 min) when it started: ${machine.loadAverage1m}.`] : [],
  };
}

/** Numbers as people read them: 3 significant digits, no exponent for ordinary magnitudes. */
export function fmt(x: number | null): string {
  if (x === null) return 'n/a';
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs === 0) return '0';
  if (abs < 0.001) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}

export function targetLine(t: Target): string {
  return `${t.op === '>=' ? '≥' : '≤'} ${fmt(t.threshold)}`;
}

/** A plain-text table of one result, for the terminal. */
export function formatTable(result: BenchResult): string {
  const lines: string[][] = [['measurement', 'median', 'min', 'max', 'unit']];
  for (const r of result.rows) lines.push([r.label, fmt(r.median), r.min === undefined ? '' : fmt(r.min), r.max === undefined ? '' : fmt(r.max), r.unit]);
  for (const t of result.targets) lines.push([`TARGET ${t.label}`, fmt(t.measured), targetLine(t), t.met ? 'met' : 'NOT MET', '']);
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  const text = lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd());
  const others = result.contention?.othersShare;
  const busy = others === undefined || others === null ? '' : `\nother processes used ${fmt(others * 100)} % of the machine's CPU meanwhile${others > BUSY_SHARE ? ' (BUSY MACHINE: numbers skewed)' : ''}`;
  return `== ${result.title} (${result.name}, ${repetitionsText(result.repetitions)}${result.quick ? ', QUICK' : ''}, ${fmt(result.durationS)} s)\n${text.join('\n')}${busy}\n`;
}

export function renderResultsMarkdown(results: readonly BenchResult[]): string {
  const out: string[] = [];
  out.push('# Gap Lens benchmark results', '');
  out.push('Generated by `npm run bench` (see [README.md](README.md) for running one benchmark alone). Every number is a median');
  out.push('of the repetitions listed, measured on the machine below; a ratio is the median of per-repetition ratios between runs made');
  out.push('back to back in the same benchmark run.');
  out.push('Raw numbers, every repetition included, are in [results/](results/).', '');
  const machines = new Set(results.filter((r) => r.machine.os !== '').map(({ machine: m }) => `**Machine:** ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}.`));
  for (const line of machines) out.push(line, '');
  const quick = results.filter((r) => r.quick).map((r) => r.name);
  if (quick.length > 0) out.push(`> **Quick mode** (smoke check, small workloads) for: ${quick.join(', ')}. These numbers are not the benchmark.`, '');
  out.push('## Targets', '');
  out.push('| benchmark | target | measured | goal | met? | comment |', '| --- | --- | ---: | --- | --- | --- |');
  for (const r of results) {
    for (const t of r.targets) out.push(`| ${r.name} | ${escapeCell(t.label)} | ${fmt(t.measured)} | ${targetLine(t)} | ${t.met ? 'yes' : '**no**'} | ${escapeCell(t.comment ?? '')} |`);
  }
  out.push('');
  for (const r of results) {
    out.push(`## ${r.title}`, '');
    out.push(`\`${r.name}\` · ${r.startedAt}${r.machine.commit ? ` · commit ${r.machine.commit}` : ''} · ${repetitionsText(r.repetitions)}${Number.isNaN(r.durationS) ? '' : ` · ${fmt(r.durationS)} s`}${r.quick ? ' · QUICK' : ''}`, '');
    out.push(r.workload, '');
    const c = r.contention;
    if (c && c.othersShare !== null) {
      const line = `Other processes used ${fmt(c.othersShare * 100)} % of the machine's CPU while this benchmark ran (machine busy ${fmt(c.machineBusyCpuS)} CPU-s, the benchmark's own processes ${fmt(c.ownCpuS)} CPU-s, over ${fmt(c.wallS)} s on ${r.machine.cores} cores).`;
      out.push(c.othersShare > BUSY_SHARE ? `> **Busy machine.** ${line} Timings and ratios are skewed by that competition.` : line, '');
    }
    out.push('| measurement | median | min | max | unit |', '| --- | ---: | ---: | ---: | --- |');
    for (const x of r.rows) out.push(`| ${escapeCell(x.label)} | ${fmt(x.median)} | ${x.min === undefined ? '' : fmt(x.min)} | ${x.max === undefined ? '' : fmt(x.max)} | ${x.unit} |`);
    out.push('');
    if (r.notes.length > 0) {
      for (const n of r.notes) out.push(`- ${n}`);
      out.push('');
    }
    if (r.commands.length > 0) out.push('Commands:', '', '```sh', ...r.commands, '```', '');
  }
  return out.join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** "1 repetition", "5 repetitions". */
function repetitionsText(n: number): string {
  return `${n} repetition${n === 1 ? '' : 's'}`;
}
