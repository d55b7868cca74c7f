// The CLI against real endpoints' ways (docs/providers.md): an Azure OpenAI deployment, an HTTP(S)
// proxy from HTTPS_PROXY / HTTP_PROXY with NO_PROXY, and a server certificate from a private CA
// trusted through NODE_EXTRA_CA_CERTS — real HTTP through the built CLI and the real SDK.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, readRunJson, writeTasks } from '../helpers/runs';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connectProxy';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';

/** A name no resolver knows (RFC 6761): only the proxy, which maps it to 127.0.0.1, can reach it. */
const PROXY_ONLY_HOST = 'fake-openai.invalid';
const TASKS = 2;
const N = 2;
/**
 * The capability probe before the run (one combined request, then reasoning_effort and prompt logprobs
 * each way: echo and prompt_logprobs), then one generation request per task; mc scores " Correct" and
 * " Incorrect" per sample, one request each.
 */
const CALLS = 4 + TASKS * (1 + 2 * N);

/** Proxy variables as undici reads them (lower-case first): all unset unless given. */
function proxyEnv(tmp: string, vars: { HTTP_PROXY?: string; HTTPS_PROXY?: string; NO_PROXY?: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const unset = { http_proxy: undefined, https_proxy: undefined, no_proxy: undefined, HTTP_PROXY: undefined, HTTPS_PROXY: undefined, NO_PROXY: undefined };
  return cleanEnv(tmp, { ...unset, ...vars, ...extra });
}

/** A CA and a certificate it signs for PROXY_ONLY_HOST, made with the openssl command. */
function makeCertificates(dir: string): { caFile: string; key: string; cert: string } {
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '3650', '-subj', '/CN=Gap Lens test CA');
  openssl('req', ...ec, '-keyout', file('leaf.key'), '-out', file('leaf.csr'), '-subj', `/CN=${PROXY_ONLY_HOST}`);
  writeFileSync(file('leaf.ext'), `subjectAltName=DNS:${PROXY_ONLY_HOST}\n`);
  openssl('x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('leaf.pem'), '-days', '3650', '-extfile', file('leaf.ext'));
  return { caFile: file('ca.pem'), key: readFileSync(file('leaf.key'), 'utf8'), cert: readFileSync(file('leaf.pem'), 'utf8') };
}

describe('gaplens run against providers, proxies and private CAs', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  let tasks: string;
  let runs = 0;
  const servers: FakeOpenAI[] = [];
  const proxies: ConnectProxy[] = [];

  before(() => {
    tmp = tempDir();
    tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, TASKS);
  });
  after(() => tmp.cleanup());
  afterEach(async () => {
    await Promise.all([...servers.splice(0).map((s) => s.close()), ...proxies.splice(0).map((p) => p.close())]);
  });

  async function serve(opts: Parameters<typeof startFakeOpenAI>[0] = {}): Promise<FakeOpenAI> {
    const fake = await startFakeOpenAI(opts);
    servers.push(fake);
    return fake;
  }
  async function proxy(hosts: Record<string, string> = {}): Promise<ConnectProxy> {
    const started = await startConnectProxy(hosts);
    proxies.push(started);
    return started;
  }
  /** `gaplens run` of the task file on `model`, into a new run folder. */
  async function run(model: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<{ code: number | null; stderr: string; out: string }> {
    const out = join(tmp.dir, `run-${++runs}`);
    const res = await runCli(['run', '--tasks', tasks, '--model', model, '-n', String(N), '--verifier', 'mc', '--out', out, '--no-cache', ...extra], { env });
    return { code: res.code, stderr: res.stderr, out };
  }

  it('Azure: the deployment path and api-version, the key in api-key, organisation and project with the key only', async () => {
    const fake = await serve({ apiKey: 'azure-key-7', models: ['gpt-4o-mini'] });
    const model = `azure:gpt-4o-mini@${fake.origin}`;
    const account = { OPENAI_ORG_ID: 'org-42', OPENAI_PROJECT_ID: 'proj_42', OPENAI_API_VERSION: '2025-01-01-preview' };
    const res = await run(model, cleanEnv(tmp.dir, { OPENAI_API_KEY: 'azure-key-7', ...account }));
    assert.equal(res.code, 0, res.stderr);
    assert.equal(readRunJson(res.out).config.model, model);
    assert.equal(fake.requests.length, CALLS);
    for (const sent of fake.requests) {
      assert.equal(sent.path, '/openai/deployments/gpt-4o-mini/completions');
      assert.deepEqual(sent.query, { 'api-version': '2025-01-01-preview' });
      assert.deepEqual([sent.headers['api-key'], sent.authorization], ['azure-key-7', undefined]);
      assert.deepEqual([sent.headers['openai-organization'], sent.headers['openai-project']], ['org-42', 'proj_42']);
    }

    // No key: no organisation or project either (they go only where a key may go).
    const open = await serve();
    const keyless = await run(`azure:dep@${open.origin}`, cleanEnv(tmp.dir, account));
    assert.equal(keyless.code, 0, keyless.stderr);
    assert.ok(open.requests.every((r) => r.headers['api-key'] === undefined && r.headers['openai-organization'] === undefined && r.headers['openai-project'] === undefined));

    // An api-version in the spec (as in Azure's target URIs, and as a VS Code profile's apiVersion is passed) wins over the environment's, and is stored with the run.
    const pinned = await serve();
    const versioned = `azure:dep@${pinned.origin}?api-version=2024-06-01`;
    const withVersion = await run(versioned, cleanEnv(tmp.dir, account));
    assert.equal(withVersion.code, 0, withVersion.stderr);
    assert.equal(readRunJson(withVersion.out).config.model, versioned);
    assert.ok(pinned.requests.length > 0 && pinned.requests.every((r) => r.query['api-version'] === '2024-06-01'));
  });

  it('HTTP_PROXY: an endpoint whose name only the proxy knows is reached through its tunnel', async () => {
    const fake = await serve();
    const port = new URL(fake.url).port;
    const through = await proxy({ [PROXY_ONLY_HOST]: '127.0.0.1' });
    const res = await run(`openai:fake@http://${PROXY_ONLY_HOST}:${port}/v1`, proxyEnv(tmp.dir, { HTTP_PROXY: through.url }));
    assert.equal(res.code, 0, res.stderr);
    assert.equal(fake.requests.length, CALLS);
    assert.ok(through.connects.length > 0);
    assert.deepEqual([...new Set(through.connects)], [`${PROXY_ONLY_HOST}:${port}`]);
  });

  it('NO_PROXY: a listed host is called directly; loopback is proxied like any host unless listed', async () => {
    const fake = await serve();
    const through = await proxy();
    const model = `openai:fake@${fake.url}`;
    const direct = await run(model, proxyEnv(tmp.dir, { HTTP_PROXY: through.url, NO_PROXY: 'localhost,127.0.0.1' }));
    assert.equal(direct.code, 0, direct.stderr);
    assert.deepEqual(through.connects, []);
    assert.equal(fake.requests.length, CALLS);

    const proxied = await run(model, proxyEnv(tmp.dir, { HTTP_PROXY: through.url }));
    assert.equal(proxied.code, 0, proxied.stderr);
    assert.deepEqual([...new Set(through.connects)], [new URL(fake.url).host]);
  });

  it('HTTPS through HTTPS_PROXY, trusting a private CA from NODE_EXTRA_CA_CERTS; without it, one line that names the variable', async function () {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      // The certificates are made by openssl at test time; without it this case cannot be set up.
      this.skip();
    }
    const certs = makeCertificates(tmp.dir);
    const fake = await serve({ tls: { key: certs.key, cert: certs.cert } });
    const port = new URL(fake.url).port;
    const through = await proxy({ [PROXY_ONLY_HOST]: '127.0.0.1' });
    const model = `openai:fake@https://${PROXY_ONLY_HOST}:${port}/v1`;
    const trusted = await run(model, proxyEnv(tmp.dir, { HTTPS_PROXY: through.url }, { NODE_EXTRA_CA_CERTS: certs.caFile }));
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(fake.requests.length, CALLS);
    assert.deepEqual([...new Set(through.connects)], [`${PROXY_ONLY_HOST}:${port}`]);

    // The system's CAs only (the variable may name them already): the certificate is refused,
    // at once and for good, since no retry changes it.
    const untrusted = await run(model, proxyEnv(tmp.dir, { HTTPS_PROXY: through.url }, { NODE_EXTRA_CA_CERTS: undefined }));
    assert.equal(untrusted.code, 1, untrusted.stderr);
    assert.match(untrusted.stderr, /Could not reach https:\/\/fake-openai\.invalid:\d+\/v1\/completions: UNABLE_TO_VERIFY_LEAF_SIGNATURE .*not signed by a CA this machine trusts; .*NODE_EXTRA_CA_CERTS/);
    assertCleanStderr(untrusted.stderr);
    assert.equal(fake.requests.length, CALLS, 'no request got through');
  });
});
