// Probed endpoint capabilities, kept for a day (docs/providers.md, "Capabilities"), so that runs,
// resumes and re-verifies against one endpoint do not probe it each time. One JSON file per
// endpoint (`sha256(endpoint id).json`), replaced whole; a file that is unreadable, malformed,
// from the future or older than the TTL is a miss, and the next probe replaces it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder, writeFileAtomic } from '../runs/files';
import { endpointCapabilitiesSchema } from '../runs/recordSchemas';
import { sha256 } from '../util/hash';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';

/** How long a probe is trusted: endpoints rarely change what they accept within a day; --refresh-capabilities probes anew. */
export const CAPABILITY_TTL_MS = 24 * 60 * 60 * 1000;

function fileOf(dir: string, endpoint: string): string {
  return join(dir, `${sha256(endpoint)}.json`);
}

/** The cached capabilities of `endpoint` (an endpoint id) if a fresh entry exists. */
export async function cachedCapabilities(dir: string, endpoint: string, now: Date): Promise<EndpointCapabilities | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(fileOf(dir, endpoint), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = endpointCapabilitiesSchema.safeParse(parsed);
  if (!entry.success || entry.data.endpoint !== endpoint) return undefined;
  const age = now.getTime() - Date.parse(entry.data.probedAt);
  return age >= 0 && age < CAPABILITY_TTL_MS ? entry.data : undefined;
}

/** Keeps a probe's result; failing to (a read-only cache folder) costs only a probe next time, and the message says so. */
export async function storeCapabilities(dir: string, caps: EndpointCapabilities, onWarning: (message: string) => void): Promise<void> {
  try {
    await makeFolder(dir);
    await writeFileAtomic(fileOf(dir, caps.endpoint), `${JSON.stringify(caps, null, 2)}\n`);
  } catch (err) {
    onWarning(`could not keep the capabilities of ${caps.endpoint} in ${dir} (${err instanceof Error ? err.message : String(err)}); the endpoint will be probed again next time`);
  }
}
