// How the CLI reaches model endpoints. By default core's node:http posters (httpPost.ts), which
// know no proxies. With HTTPS_PROXY / HTTP_PROXY set (lower-case names too), the commands that call
// models send endpoint calls, and every other fetch of the process, through undici's fetch with an
// agent that honours them and NO_PROXY, and has no timeouts of its own (Node's fetch gives up
// after 300 s of waiting for headers, which would cut a long --timeout-ms short): the scheduler's
// per-call timeout is the one that applies. Inside VS Code none of this is needed: the extension
// host routes node:http and fetch through the user's proxy settings. Custom CAs come from Node
// itself (NODE_EXTRA_CA_CERTS), for direct and proxied connections alike.
import { useFetchForEndpoints } from '../core/llm/openaiClient';

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;

/** Routes endpoint calls through a proxy when the environment names one; loads undici only then. */
export async function useCliNetwork(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (PROXY_VARIABLES.some((name) => env[name])) await useUndiciForEndpoints();
}

/** undici's fetch with EnvHttpProxyAgent, for endpoint calls and as the global fetch. */
export async function useUndiciForEndpoints(): Promise<void> {
  const undici = await import('undici');
  undici.setGlobalDispatcher(new undici.EnvHttpProxyAgent({ headersTimeout: 0, bodyTimeout: 0 }));
  // undici's fetch with undici's dispatcher: Node's bundled fetch may not speak this undici's
  // dispatcher protocol.
  const fetch = undici.fetch as unknown as typeof globalThis.fetch;
  globalThis.fetch = fetch;
  useFetchForEndpoints(fetch);
}
