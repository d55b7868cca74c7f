// The runs on disk, as the runs tree and the run pickers list them: every run folder directly
// inside the runs folders, with its model, verifiers, coverage, state and gap. Reading a run is O(its
// samples), so what its records say is cached until run.json, samples.jsonl or its notes change; whether a
// writer holds its lock is looked up on every listing. No 'vscode'.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hasNoGold } from '../../core/config/runRules';
import { LiveGap, type GapReading } from '../../core/pipeline/liveGap';
import { runCoverage } from '../../core/runs/coverage';
import { errorCode } from '../../core/runs/files';
import type { RunManifest } from '../../core/runs/records';
import { liveLockHolder } from '../../core/runs/runLock';
import { readRun, RUN_FILES } from '../../core/runs/runStore';
import { toScoredSamples } from '../../core/runs/scoredSamples';
import { isComplete, type RecordCoverage } from '../../core/stats/coverage';
import { readRunNotes, RUN_NOTES_FILE, type RunNotes } from './runNotes';

/** What a run's records say (cached while its files are unchanged). */
interface RunRecords {
  dir: string;
  manifest: RunManifest;
  /** The run's records counted as `gaplens report` counts them. */
  coverage: RecordCoverage;
  /** Every expected record exists (docs/statistics.md, "Run state"; run.json's completedAt is not consulted). */
  complete: boolean;
  /** The live gap by the run's first verifier and its filter; null without a verifier. */
  reading: GapReading | null;
  /** The user's label and how the extension's last execution ended (gaplens-ui.json). */
  notes: RunNotes;
}

export interface RunListing extends RunRecords {
  /** A writer holds the run's lock: it is being written right now (by this window or another process). */
  live: boolean;
}

export class RunIndex {
  private readonly cache = new Map<string, { stamp: string; records: RunRecords }>();

  /** Every run in `roots`, newest first; unreadable runs are reported and left out. */
  async list(roots: readonly string[], onProblem: (message: string) => void): Promise<RunListing[]> {
    const dirs = (await Promise.all(roots.map(runDirsIn))).flat();
    const listings = await Promise.all(
      dirs.map(async (dir) => {
        try {
          return await this.read(dir, onProblem);
        } catch (err) {
          onProblem(err instanceof Error ? err.message : String(err));
          return null;
        }
      }),
    );
    return listings.filter((l): l is RunListing => l !== null).sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
  }

  /** One run folder's listing (its records cached while its files are unchanged; its lock read anew). */
  async read(dir: string, onProblem: (message: string) => void = () => undefined): Promise<RunListing> {
    const stamp = await stampOf(dir);
    const cached = this.cache.get(dir);
    let records = cached?.stamp === stamp ? cached.records : undefined;
    if (!records) {
      records = await summarize(dir, onProblem);
      this.cache.set(dir, { stamp, records });
    }
    return { ...records, live: (await liveLockHolder(dir)) !== null };
  }

  forget(dir: string): void {
    this.cache.delete(dir);
  }
}

async function runDirsIn(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return [];
    throw err;
  }
  const dirs = await Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      try {
        return (await stat(join(dir, RUN_FILES.manifest))).isFile() ? dir : null;
      } catch {
        return null;
      }
    }),
  );
  return dirs.filter((d): d is string => d !== null);
}

async function stampOf(dir: string): Promise<string> {
  const part = async (file: string): Promise<string> => {
    try {
      const s = await stat(join(dir, file));
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  return `${await part(RUN_FILES.manifest)}|${await part(RUN_FILES.samples)}|${await part(RUN_NOTES_FILE)}`;
}

async function summarize(dir: string, onProblem: (message: string) => void): Promise<RunRecords> {
  const run = await readRun(dir);
  const { config } = run.manifest;
  const noGold = new Set(run.tasks.filter(hasNoGold).map((t) => t.id));
  const first = config.verifiers[0];
  let reading: GapReading | null = null;
  if (first !== undefined) {
    const live = new LiveGap(first, config.filter);
    for (const s of toScoredSamples(run)) live.update({ ...s, correct: noGold.has(s.task) ? null : s.correct });
    reading = live.reading();
  }
  const coverage = runCoverage(run);
  return { dir, manifest: run.manifest, coverage, complete: isComplete(coverage), reading, notes: await readRunNotes(dir, onProblem) };
}
