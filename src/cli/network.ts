// How the CLI reaches model endpoints. The openai SDK calls the global fetch; Node's own has no
// proxy support (before NODE_USE_ENV_PROXY, which Node 20 lacks) and gives up on an answer whose
// headers take more than 300 s, which would cut a long --timeout-ms short. So the commands that
// call models swap in undici's fetch with an agent that honours HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY (lower-case names too) and has no timeouts of its own: the scheduler's per-call timeout
// is the one that applies. Inside VS Code none of this is needed: the extension host patches the
// global fetch with the user's proxy settings. Custom CAs come from Node itself
// (NODE_EXTRA_CA_CERTS), for direct and proxied connections alike.

/** Installs the CLI's fetch; loads undici only when called, since other commands never need it. */
export async function useCliNetwork(): Promise<void> {
  const undici = await import('undici');
  undici.setGlobalDispatcher(new undici.EnvHttpProxyAgent({ headersTimeout: 0, bodyTimeout: 0 }));
  // undici's fetch with undici's dispatcher: Node's bundled fetch may not speak this undici's
  // dispatcher protocol.
  globalThis.fetch = undici.fetch as unknown as typeof fetch;
}
