import assert from 'node:assert/strict';
import { runProcess } from '../../bench/lib/processRun';

describe('bench processRun', () => {
  it('measures CPU and peak RSS of a Node process and of the Node processes it starts', async () => {
    const busy = 'const t = Date.now(); while (Date.now() - t < 150);';
    const alone = await runProcess(process.execPath, ['-e', busy]);
    assert.equal(alone.usage.processes, 1);
    assert.ok(alone.usage.cpuMs >= 100, `cpu ${alone.usage.cpuMs} ms`);
    assert.ok(alone.usage.maxRssMiB > 10, `rss ${alone.usage.maxRssMiB} MiB`);
    const parent = `require('node:child_process').execFileSync(process.execPath, ['-e', ${JSON.stringify(busy)}]); ${busy}`;
    const family = await runProcess(process.execPath, ['-e', parent]);
    assert.equal(family.usage.processes, 2);
    assert.ok(family.usage.cpuMs >= 200, `cpu ${family.usage.cpuMs} ms`);
  });

  it('returns stdout and fails with stderr on a non-zero exit', async () => {
    const ok = await runProcess(process.execPath, ['-e', 'console.log("hi")']);
    assert.equal(ok.stdout, 'hi\n');
    await assert.rejects(runProcess(process.execPath, ['-e', 'console.error("broken"); process.exit(3)']), /exited with 3:\nbroken/);
  });
});
