import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ResponseCache, cacheKey } from './src/core/llm/responseCache';
const prompt = 'Question: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. '.repeat(30);
const top = Array.from({ length: 20 }, (_, i) => ({ token: ` tok${i}`, logprob: -i * 0.37 }));
const result = { top, usage: { promptTokens: 700, completionTokens: 1 } };
const id = 'openai:completions:fake@http://127.0.0.1:1/v1';
const N = 20000;
(async () => {
  for (let rep = 0; rep < 4; rep++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gl-mb-'));
    const cache = ResponseCache.open(dir);
    const reqs = Array.from({ length: N }, (_, i) => ({ prompt: `${prompt}${rep}-${i}`, topLogprobs: 20 }));
    let c0 = process.cpuUsage();
    const keys = reqs.map((r) => cacheKey(id, 'nextToken', r));
    let c = process.cpuUsage(c0); const tKey = (c.user + c.system) / N;
    c0 = process.cpuUsage();
    for (const k of keys) await cache.get(k);
    c = process.cpuUsage(c0); const tGet = (c.user + c.system) / N;
    c0 = process.cpuUsage();
    for (const k of keys) await cache.set(k, result);
    c = process.cpuUsage(c0); const tSet = (c.user + c.system) / N;
    c0 = process.cpuUsage();
    cache.flush();
    c = process.cpuUsage(c0); const tFlush = (c.user + c.system) / N;
    await cache.close();
    const cacheB = ResponseCache.open(dir);
    c0 = process.cpuUsage();
    for (const k of keys) await cacheB.get(k);
    c = process.cpuUsage(c0); const tHit = (c.user + c.system) / N;
    await cacheB.close();
    console.log(`µs/call: key ${tKey.toFixed(1)}  get-miss ${tGet.toFixed(1)}  set ${tSet.toFixed(1)}  flush ${tFlush.toFixed(1)}  | hit ${tHit.toFixed(1)}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
