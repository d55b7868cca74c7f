// Preloaded into every benchmarked Node process (NODE_OPTIONS=--require <this file>, so child
// processes inherit it): at exit it appends the process's own CPU time and peak RSS to the file
// named by GAPLENS_BENCH_USAGE. The benchmark sums CPU over all processes of one client and takes
// the largest peak RSS, which Node cannot report for a child it spawned.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.GAPLENS_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    const line = { pid: process.pid, userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKiB: u.maxRSS };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
