// gaplens doctor against the fake server playing each provider and each way of distorting
// logprobs (docs/providers.md, "gaplens doctor"): real HTTP through the built CLI and the real SDK.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DoctorReport } from '../../src/core/pipeline/doctor';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv } from '../helpers/runs';
import type { FakeOpenAI, FakeOpenAIOptions } from '../fixtures/openaiServer';
import { fakeServersPerTest } from '../helpers/fakeServers';

describe('gaplens doctor', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  const servers = fakeServersPerTest();
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  async function doctor(opts: FakeOpenAIOptions, api: 'chat' | 'completions', json = true): Promise<{ code: number | null; stdout: string; stderr: string; report: DoctorReport | undefined; fake: FakeOpenAI }> {
    const fake = await servers.serve(opts);
    const res = await runCli(['doctor', `openai:fake@${fake.url}`, '--api', api, ...(json ? ['--json'] : [])], { env: cleanEnv(tmp.dir, { GAPLENS_CACHE_DIR: join(tmp.dir, 'cache') }) });
    assertCleanStderr(res.stderr);
    return { ...res, report: json && res.stdout !== '' ? (JSON.parse(res.stdout) as DoctorReport) : undefined, fake };
  }
  const check = (report: DoctorReport | undefined, name: string) => report?.conformance.find((c) => c.check === name);
  const verdict = (report: DoctorReport | undefined, verifier: string) => report?.verifiers.find((v) => v.verifier === verifier);

  it('a sound completions server: every capability, every check passes, mc exact', async () => {
    const { code, stdout } = await doctor({}, 'completions', false);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /token budget\s+max_tokens\n/);
    assert.match(stdout, /top logprobs\s+up to 20 per token\n/);
    assert.match(stdout, /prompt logprobs\s+echo\n/);
    for (const name of ['top-k', 'values', 'repeat', 'labels', 'continuation']) assert.match(stdout, new RegExp(`\\n  ok\\s+${name}: `));
    assert.match(stdout, /\n {2}mc\s+exact: /);
    assert.match(stdout, /\n {2}cot-score\s+exact: /);
  });

  it('a reasoning model on chat: max_completion_tokens, temperature and top_p refused, no logprobs: mc impossible, CoT approximate', async () => {
    const { code, report } = await doctor({ provider: 'reasoning' }, 'chat');
    assert.equal(code, 0);
    const caps = report?.capabilities;
    assert.equal(caps?.tokenLimitParameter, 'max_completion_tokens');
    assert.match(caps?.said.tokenLimitParameter ?? '', /Use 'max_completion_tokens' instead/);
    assert.deepEqual([caps?.temperature, caps?.topP, caps?.topLogprobs, caps?.reasoningEffort], [false, false, null, true]);
    assert.equal(verdict(report, 'mc')?.verdict, 'impossible');
    assert.match(verdict(report, 'mc')?.why ?? '', /no logprobs .*'logprobs' is not supported/);
    assert.equal(verdict(report, 'cot-score')?.verdict, 'approximate');
    assert.ok(report?.conformance.every((c) => c.ok === null));
  });

  it('a reasoning model on completions: the API is refused, in the server\'s words; exit 1', async () => {
    const { code, report } = await doctor({ provider: 'reasoning' }, 'completions');
    assert.equal(code, 1);
    assert.match(report?.apiRefused ?? '', /HTTP 404: This is a chat model/);
    assert.ok(report?.verifiers.every((v) => v.verdict === 'impossible'));
  });

  it("Anthropic's layer: n must be 1, logprobs ignored: mc impossible, the sampling verifiers exact", async () => {
    const { code, report } = await doctor({ provider: 'anthropic' }, 'chat');
    assert.equal(code, 0);
    assert.equal(report?.capabilities?.n, false);
    assert.match(report?.capabilities?.said.n ?? '', /n=1/);
    assert.equal(report?.capabilities?.topLogprobs, null);
    assert.match(report?.capabilities?.said.topLogprobs ?? '', /drops them silently/);
    assert.equal(verdict(report, 'mc')?.verdict, 'impossible');
    for (const v of ['cot-binary', 'cot-score', 'tournament']) assert.equal(verdict(report, v)?.verdict, 'exact');
  });

  it('logprobs dropped silently: none found, nothing to check, mc impossible', async () => {
    const { code, report } = await doctor({ logprobQuirk: 'dropped' }, 'chat');
    assert.equal(code, 0);
    assert.equal(report?.capabilities?.topLogprobs, null);
    assert.equal(verdict(report, 'mc')?.verdict, 'impossible');
  });

  it('top logprobs truncated to 5: the top-k check fails and says truncated; mc approximate with the reason', async () => {
    const { code, report } = await doctor({ topLogprobsListed: 5 }, 'chat');
    assert.equal(code, 1);
    assert.equal(check(report, 'top-k')?.ok, false);
    assert.match(check(report, 'top-k')?.detail ?? '', /listed 5 of the 20 asked for: truncated at 5/);
    assert.equal(check(report, 'values')?.ok, true);
    assert.equal(verdict(report, 'mc')?.verdict, 'approximate');
    assert.match(verdict(report, 'mc')?.why ?? '', /truncated/);
  });

  it('entries that decode to the same text collapsed: the top-k check fails and says collapsed', async () => {
    const { code, report } = await doctor({ logprobQuirk: 'collapsed' }, 'completions');
    assert.equal(code, 1);
    assert.equal(check(report, 'top-k')?.ok, false);
    assert.match(check(report, 'top-k')?.detail ?? '', /listed 18 of the 20 asked for, and \d+ of 10: tokens that decode to the same text collapse/);
    assert.equal(check(report, 'repeat')?.ok, true);
  });

  it('values that are not probabilities: the values check fails and mc is impossible', async () => {
    const { code, report } = await doctor({ logprobQuirk: 'unnormalized' }, 'chat');
    assert.equal(code, 1);
    assert.equal(check(report, 'values')?.ok, false);
    assert.match(check(report, 'values')?.detail ?? '', /> 0 .*probabilities sum to 3\.000/);
    assert.equal(check(report, 'top-k')?.ok, true);
    assert.equal(verdict(report, 'mc')?.verdict, 'impossible');
  });

  it('nondeterministic at temperature 0: the repeat check fails, the others pass', async () => {
    const { code, report } = await doctor({ logprobQuirk: 'nondeterministic' }, 'chat');
    assert.equal(code, 1);
    assert.equal(check(report, 'repeat')?.ok, false);
    assert.match(check(report, 'repeat')?.detail ?? '', /asked twice at temperature 0, the answers differ/);
    assert.deepEqual(['top-k', 'values', 'labels'].map((c) => check(report, c)?.ok), [true, true, true]);
  });

  it('a top_logprobs cap answered with a 400: the stated limit is used, and the checks pass at it', async () => {
    const { code, report, fake } = await doctor({ maxTopLogprobs: 5 }, 'chat');
    assert.equal(code, 0);
    assert.equal(report?.capabilities?.topLogprobs, 5);
    assert.match(report?.capabilities?.said.topLogprobs ?? '', /at most 5/);
    assert.equal(check(report, 'top-k')?.ok, true);
    assert.ok(fake.requests.filter((r) => (r.body as { top_logprobs?: number } | undefined)?.top_logprobs === 20).length === 1, 'asked for 20 once, then for the stated limit');
  });

  it('an unreachable endpoint: one line, exit 1', async () => {
    const res = await runCli(['doctor', 'openai:fake@http://127.0.0.1:9/v1'], { env: cleanEnv(tmp.dir, { GAPLENS_CACHE_DIR: join(tmp.dir, 'cache') }) });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^gaplens: Could not reach http:\/\/127\.0\.0\.1:9\/v1\/completions/);
    assertCleanStderr(res.stderr);
  });
});
