// `gaplens report` on two threads: the verifier-quality resamples are shared with a worker running
// dist/reportWorker.js (core/stats/sharedResamples.ts; docs/statistics.md, "Cost").
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { QualityHelper, QualityValues } from '../../core/stats/sharedResamples';

/** The worker's bundle, next to dist/cli.js (esbuild.mjs). */
export const REPORT_WORKER = join(__dirname, 'reportWorker.js');

/** A helper that starts a worker thread on `file` per job. */
export function workerHelper(file = REPORT_WORKER): QualityHelper {
  return {
    start(job) {
      const worker = new Worker(file);
      const values = new Promise<QualityValues>((resolve, reject) => {
        worker.once('message', (message: unknown) => {
          try {
            resolve(checkedValues(message));
          } catch (err) {
            reject(err);
          }
          void worker.terminate();
        });
        worker.once('error', (err) => reject(new Error(`the report's helper thread failed: ${err.message}`, { cause: err })));
        worker.once('exit', (code) => reject(new Error(`the report's helper thread stopped (exit code ${code}) before it sent its resamples`)));
      });
      // The report awaits these only when the worker holds resamples; stopped, its end is no error.
      values.catch(() => undefined);
      worker.postMessage(job);
      return { values, stop: () => void worker.terminate() };
    },
  };
}

function checkedValues(message: unknown): QualityValues {
  if (!Array.isArray(message) || !message.every((score) => Array.isArray(score) && score.every((v) => v instanceof Float64Array))) {
    throw new Error("the report's helper thread sent something other than its resamples' values");
  }
  return message as QualityValues;
}
