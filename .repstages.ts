import { readRunColumns, columnsPool } from './src/core/runs/runColumns';
import { assessRunColumns } from './src/core/pipeline/runReport';
import { parseFilter, parseSelector } from './src/core/filter/parse';
const mb = (n: number) => (n / 2 ** 20).toFixed(0);
const t0 = performance.now();
function mem(stage: string) {
  (globalThis as any).gc?.();
  const m = process.memoryUsage();
  console.log(`${stage.padEnd(12)} t=${((performance.now() - t0) / 1000).toFixed(2)}s rss=${mb(m.rss)} heap=${mb(m.heapUsed)} ext=${mb(m.external)} ab=${mb(m.arrayBuffers)}`);
}
async function main() {
  const dir = process.argv[2]!;
  mem('start');
  const run = await readRunColumns(dir, { onWarning: console.error, columnCache: true });
  mem('read');
  const pool = columnsPool(run, { checkerCorrected: false });
  mem('pool');
  const rep = assessRunColumns(run, pool, { selector: parseSelector(run.manifest.config.verifiers[0]!), filter: parseFilter(run.manifest.config.filter), resamples: 1000, seed: 0 }, false);
  mem('report');
  console.log(Object.keys(rep));
}
main();
