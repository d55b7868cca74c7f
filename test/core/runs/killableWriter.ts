// Child process for the kill -9 test: appends records to a run folder through SampleLog as fast
// as it can, forever, printing "go" once it is well under way. Record i is generation t1#i whose
// text is fully determined by i, followed by its mc verification. After "go" every other text is
// 2 MB, so that the kill often lands inside a long write (Linux cuts a write short on SIGKILL).
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { generation, verification } from './runFixtures';

const GO = 100;

export function textOf(i: number): string {
  return `${i}:` + 'x'.repeat(i > GO && i % 2 === 0 ? 2_000_000 : 200 + (i % 7) * 100);
}

async function main(dir: string): Promise<void> {
  const log = await SampleLog.open(dir);
  for (let i = 0; ; i++) {
    await log.append(generation('t1', i, i % 2 === 0, textOf(i)));
    await log.append(verification('t1', i, 'mc', (i % 11) / 10));
    if (i === GO) process.stdout.write('go\n');
  }
}

if (require.main === module) void main(process.argv[2] as string);
