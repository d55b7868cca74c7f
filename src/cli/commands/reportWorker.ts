// The helper thread of `gaplens report` (reportThreads.ts), bundled as dist/reportWorker.js next to
// dist/cli.js: it draws its share of a report's verifier-quality resamples and sends back their values.
import { parentPort } from 'node:worker_threads';
import { runQualityJob, type QualityJob } from '../../core/stats/sharedResamples';

parentPort?.once('message', (job: QualityJob) => {
  const values = runQualityJob(job);
  // Transferred, not copied: the values are this thread's to give away.
  parentPort?.postMessage(values, values.flat().map((v) => v.buffer as ArrayBuffer));
});
