// The runs on disk, as the runs tree and the run pickers list them: every run folder directly
// inside the runs folders, with its model, verifiers, progress and gap. Reading a run is O(its
// samples), so listings are cached until run.json or samples.jsonl change. No 'vscode'.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../core/runs/files';
import type { RunManifest } from '../../core/runs/records';
import { readRun, RUN_FILES } from '../../core/runs/runStore';
import { toScoredSamples } from '../../core/runs/scoredSamples';
import { hasNoGold } from '../tasks/taskSelection';
import { gapText, LiveGap } from '../../core/pipeline/liveGap';

export interface RunListing {
  dir: string;
  manifest: RunManifest;
  /** Generations on disk, and how many the finished run has. */
  samples: number;
  expected: number;
  complete: boolean;
  /** gapText by the run's first verifier and its filter ("gap +3.1 pp", "no gap yet (nothing scored yet)", …); null without a verifier. */
  gap: string | null;
}

export class RunIndex {
  private readonly cache = new Map<string, { stamp: string; listing: RunListing }>();

  /** Every run in `roots`, newest first; unreadable runs are reported and left out. */
  async list(roots: readonly string[], onProblem: (message: string) => void): Promise<RunListing[]> {
    const dirs = (await Promise.all(roots.map(runDirsIn))).flat();
    const listings = await Promise.all(
      dirs.map(async (dir) => {
        try {
          return await this.read(dir);
        } catch (err) {
          onProblem(err instanceof Error ? err.message : String(err));
          return null;
        }
      }),
    );
    return listings.filter((l): l is RunListing => l !== null).sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
  }

  /** One run folder's listing (cached while its files are unchanged). */
  async read(dir: string): Promise<RunListing> {
    const stamp = await stampOf(dir);
    const cached = this.cache.get(dir);
    if (cached && cached.stamp === stamp) return cached.listing;
    const listing = await summarize(dir);
    this.cache.set(dir, { stamp, listing });
    return listing;
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
  return `${await part(RUN_FILES.manifest)}|${await part(RUN_FILES.samples)}`;
}

async function summarize(dir: string): Promise<RunListing> {
  const run = await readRun(dir);
  const { config } = run.manifest;
  const noGold = new Set(run.tasks.filter(hasNoGold).map((t) => t.id));
  const first = config.verifiers[0];
  let gap: string | null = null;
  if (first !== undefined) {
    const live = new LiveGap(first, config.filter);
    for (const s of toScoredSamples(run)) live.update({ ...s, correct: noGold.has(s.task) ? null : s.correct });
    gap = gapText(live.reading());
  }
  return {
    dir,
    manifest: run.manifest,
    samples: run.generations.size,
    expected: run.tasks.length * config.n,
    complete: run.manifest.completedAt !== undefined,
    gap,
  };
}
