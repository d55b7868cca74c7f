// The records of a run as an execution goes: those on file when it started, and those it appends.
// An execution in several passes (the batch executors') hands them to each pass, so that a pass
// skips what an earlier one did — failures included, which only a resume asks again.
import type { RunData } from '../runs/runStore';
import { sampleKey } from '../runs/sampleKey';
import type { GenerationRecord, SampleRecord, VerificationRecord } from '../runs/records';
import type { ExistingRecords } from './gapCheck';

export class ExecutionRecords implements ExistingRecords {
  readonly generations: Map<string, GenerationRecord>;
  readonly verifications: Map<string, Map<string, VerificationRecord>>;
  readonly failedNow = new Map<string, Set<string>>();

  constructor(existing: Pick<RunData, 'generations' | 'verifications'> | null) {
    this.generations = new Map(existing?.generations);
    this.verifications = new Map([...(existing?.verifications ?? [])].map(([key, byVerifier]) => [key, new Map(byVerifier)]));
  }

  /** A record just appended to the run. */
  add(record: SampleRecord): void {
    const key = sampleKey(record.task, record.index);
    if (record.type === 'generation') this.generations.set(key, record);
    else if (record.type === 'verification') this.inner(this.verifications, key).set(record.verifier, record);
    else this.innerSet(key).add(record.stage);
  }

  private inner(map: Map<string, Map<string, VerificationRecord>>, key: string): Map<string, VerificationRecord> {
    let inner = map.get(key);
    if (!inner) map.set(key, (inner = new Map()));
    return inner;
  }

  private innerSet(key: string): Set<string> {
    let inner = this.failedNow.get(key);
    if (!inner) this.failedNow.set(key, (inner = new Set()));
    return inner;
  }
}
