import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultModelsDir, resolveDefaultModel } from '../../../src/core/llm/llamaDefaultModel';
import { UserError } from '../../../src/core/util/errors';
import { STORIES_MODEL } from '../../helpers/cli';

const MODEL_SIZE = statSync(STORIES_MODEL).size;

/** Serves stories260K.gguf at /models/stories260K.gguf, 404 elsewhere, and records every request. */
async function startModelServer(): Promise<{ server: Server; base: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/models/stories260K.gguf') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': MODEL_SIZE });
    if (req.method === 'HEAD') res.end();
    else createReadStream(STORIES_MODEL).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

describe('llamaDefaultModel', function () {
  this.timeout(30_000);
  let server: Server;
  let base: string;
  let requests: string[];
  let cacheDir: string;
  const savedEnv = process.env.GAPLENS_DEFAULT_MODEL_URL;

  beforeEach(async () => {
    ({ server, base, requests } = await startModelServer());
    cacheDir = join(mkdtempSync(join(tmpdir(), 'gaplens-')), 'models');
    delete process.env.GAPLENS_DEFAULT_MODEL_URL;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dirname(cacheDir), { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.GAPLENS_DEFAULT_MODEL_URL;
    else process.env.GAPLENS_DEFAULT_MODEL_URL = savedEnv;
  });

  it('downloads the model once into the cache with progress, then answers from the cache without any request', async () => {
    const progress: [number, number][] = [];
    const path = await resolveDefaultModel({ cacheDir, url: `${base}/models/stories260K.gguf`, onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(dirname(path), cacheDir);
    assert.match(path, /stories260K-[0-9a-f]{8}\.gguf$/);
    assert.deepEqual(readFileSync(path), readFileSync(STORIES_MODEL));
    assert.deepEqual(readdirSync(cacheDir), [path.slice(cacheDir.length + 1)], 'no temporary files left behind');
    assert.ok(progress.length > 0);
    assert.deepEqual(progress.at(-1), [MODEL_SIZE, MODEL_SIZE]);
    assert.ok(progress.every(([done, total]) => done <= total));

    const seen = requests.length;
    assert.ok(seen > 0);
    assert.equal(await resolveDefaultModel({ cacheDir, url: `${base}/models/stories260K.gguf` }), path);
    assert.equal(requests.length, seen, 'a cached model needs no network');
  });

  it('takes the URL from GAPLENS_DEFAULT_MODEL_URL, and gives different URLs different cache files', async () => {
    process.env.GAPLENS_DEFAULT_MODEL_URL = `${base}/models/stories260K.gguf`;
    const fromEnv = await resolveDefaultModel({ cacheDir });
    const other = await resolveDefaultModel({ cacheDir, url: `${base}/models/stories260K.gguf?v=2` });
    assert.notEqual(other, fromEnv);
    assert.deepEqual(readFileSync(other), readFileSync(fromEnv));
  });

  it('fails with a UserError naming the URL and llama:PATH when the server is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const error = await rejection(resolveDefaultModel({ cacheDir, url: `http://127.0.0.1:${port}/m.gguf` }));
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/m\\.gguf`));
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.message, /llama:PATH/);
    assert.ok(Date.now() - started < 5000, 'no minutes of retries');
  });

  it('fails with a UserError on an HTTP error and leaves no file behind', async () => {
    const error = await rejection(resolveDefaultModel({ cacheDir, url: `${base}/models/missing.gguf` }));
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, /HTTP 404/);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  it('refuses a URL that is not http(s), naming where it came from', async () => {
    process.env.GAPLENS_DEFAULT_MODEL_URL = 'ftp://example.org/m.gguf';
    const error = await rejection(resolveDefaultModel({ cacheDir }));
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, /GAPLENS_DEFAULT_MODEL_URL 'ftp:\/\/example\.org\/m\.gguf' is not an http\(s\) URL/);
    assert.equal(requests.length, 0);
  });

  it('rejects with the abort reason when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    const error = await rejection(resolveDefaultModel({ cacheDir, url: `${base}/models/stories260K.gguf`, signal: controller.signal }));
    assert.equal(error, controller.signal.reason);
  });

  it('keeps models under GAPLENS_CACHE_DIR, else XDG_CACHE_HOME/gaplens, else ~/.cache/gaplens', () => {
    assert.equal(defaultModelsDir({ GAPLENS_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }), join('/c', 'models'));
    assert.equal(defaultModelsDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'gaplens', 'models'));
    assert.match(defaultModelsDir({}), /[/\\]\.cache[/\\]gaplens[/\\]models$/);
  });
});
