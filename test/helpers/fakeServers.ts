// Fake OpenAI servers a test suite starts as it goes, all closed after each test.
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fixtures/openaiServer';

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
