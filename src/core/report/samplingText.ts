// How a run's sampling settings reached the model, for reports: a setting an endpoint refused was
// never sent (run.json `capabilities`), so the report names it as not sent instead of claiming it.
import { settingsNotSent } from '../runs/endpointCapabilities';
import type { RunManifest, SourceSampling } from '../runs/records';

/** The settings each model of the run was not sent, by model spec; empty when everything was sent. */
export function settingsNotSentByModel(manifest: RunManifest): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(manifest.capabilities ?? {})
      .map(([model, caps]) => [model, settingsNotSent(caps)] as const)
      .filter(([, notSent]) => notSent.length > 0),
  );
}

/** `temperature 0, top-p unknown, max tokens 256, seed unknown`: what the source of imported generations says. */
export function sourceSamplingText(s: SourceSampling): string {
  const shown = (value: number | null): string => (value === null ? 'unknown' : String(value));
  return `temperature ${shown(s.temperature)}, top-p ${shown(s.topP)}, max tokens ${shown(s.maxTokens)}, seed ${shown(s.seed)}`;
}

/**
 * "temperature 0.7, top-p 0.9, max tokens 512, seed 0", with what the run's model was not sent said
 * as such. An imported run's generations were sampled elsewhere: its `config` settings are not how,
 * so the source's are shown (run.json `import.sampling`), with what its verifier calls were not sent.
 */
export function samplingText(manifest: RunManifest): string {
  const c = manifest.config;
  if (manifest.import !== undefined) {
    const verifiers = Object.entries(settingsNotSentByModel(manifest)).map(([model, names]) => `; ${model} (verifiers) not sent ${names.join(' and ')}`);
    return `imported from ${manifest.import.format}: ${sourceSamplingText(manifest.import.sampling)}${verifiers.join('')}`;
  }
  const own = manifest.capabilities?.[c.model];
  const notSent = own ? settingsNotSent(own) : [];
  const setting = (name: 'temperature' | 'top-p', value: number): string => (notSent.includes(name) ? `${name} not sent (the endpoint refuses it; its own applied)` : `${name} ${value}`);
  const budget = own?.tokenLimitParameter === 'max_completion_tokens' ? `max tokens ${c.maxTokens} (as max_completion_tokens)` : `max tokens ${c.maxTokens}`;
  const others = Object.entries(settingsNotSentByModel(manifest))
    .filter(([model]) => model !== c.model)
    .map(([model, names]) => `; ${model} (verifiers) not sent ${names.join(' and ')}`);
  return `${setting('temperature', c.temperature)}, ${setting('top-p', c.topP)}, ${budget}, seed ${c.seed}${others.join('')}`;
}
