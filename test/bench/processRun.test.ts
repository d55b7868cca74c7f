import assert from 'node:assert/strict';
import { runProcess, startProcess } from '../../bench/lib/processRun';

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

  it('kill() reports what a process killed with SIGKILL used, read before the kill (it never reaches its exit hook)', async () => {
    // 64 MiB touched, then it waits to be killed.
    const hold = 'const b = Buffer.alloc(64 * 2 ** 20, 1); console.log("ready"); setInterval(() => b[0]++, 1000);';
    const started = startProcess(process.execPath, ['-e', hold]);
    await new Promise<void>((resolve) => started.child.stdout?.once('data', () => resolve()));
    started.kill();
    const { signal, usage } = await started.finished;
    assert.equal(signal, 'SIGKILL');
    assert.equal(usage.processes, 1);
    assert.ok(usage.maxRssMiB > 64, `rss ${usage.maxRssMiB} MiB`);
  });
});
