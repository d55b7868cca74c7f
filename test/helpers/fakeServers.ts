// Fake OpenAI servers a test suite starts as it goes, all closed after each test.
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fixtures/openaiServer';
import { tempDir } from './cli';

export interface FakeServers {
  serve(opts?: FakeOpenAIOptions): Promise<FakeOpenAI>;
  /** Closes one server now (its port may then be served again). */
  close(server: FakeOpenAI): Promise<void>;
}

/** Registers an afterEach that closes every server the suite's tests started. */
export function fakeServersPerTest(): FakeServers {
  const servers = new Set<FakeOpenAI>();
  afterEach(async () => {
    await Promise.all([...servers].map((s) => s.close()));
    servers.clear();
  });
  return {
    async serve(opts = {}) {
      const fake = await startFakeOpenAI(opts);
      servers.add(fake);
      return fake;
    },
    async close(server) {
      servers.delete(server);
      await server.close();
    },
  };
}

/** What a suite of CLI tests shares: a temp folder and one fake server, for all its tests. */
export interface SuiteFixture {
  readonly dir: string;
  readonly server: FakeOpenAI;
}

/** Registers a before that makes a temp folder and starts a fake server, and an after that stops and removes them. */
export function folderAndServerPerSuite(opts: FakeOpenAIOptions = {}): SuiteFixture {
  let tmp: { dir: string; cleanup: () => void } | undefined;
  let fake: FakeOpenAI | undefined;
  before(async () => {
    tmp = tempDir();
    fake = await startFakeOpenAI(opts);
  });
  after(async () => {
    await fake?.close();
    tmp?.cleanup();
  });
  return {
    get dir() {
      if (!tmp) throw new Error('the suite folder exists only while the suite runs');
      return tmp.dir;
    },
    get server() {
      if (!fake) throw new Error('the suite server runs only while the suite runs');
      return fake;
    },
  };
}
