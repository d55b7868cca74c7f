// Where a process's CPU time went, from a V8 .cpuprofile (node --cpu-prof) of a bundled entry:
// every sample is charged to the source module (project file or npm package) of the innermost
// bundled frame on its stack, mapped back through the bundle's source map; time with no bundled
// frame on the stack (garbage collection, socket writes flushed later, idle) is listed by itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  module: string;
  ms: number;
  share: number;
}

export function summarizeCpuProfile(profileFile: string, bundleFile: string, repoRoot: string): ProfileShare[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const map = JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const lines = decodeMappings(map.mappings);
  const bundleName = bundleFile.split('/').pop() ?? bundleFile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const micros = new Map<number, number>();
  profile.samples.forEach((id, i) => micros.set(id, (micros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byModule = new Map<string, number>();
  let total = 0;
  for (const [id, us] of micros) {
    total += us;
    let label: string | undefined;
    for (let x: number | undefined = id; x !== undefined && label === undefined; x = parent.get(x)) {
      const frame = nodes.get(x)?.callFrame;
      if (!frame?.url.endsWith(bundleName)) continue;
      const source = map.sources[sourceAt(lines, frame.lineNumber, frame.columnNumber)];
      // Code without a mapping is esbuild's own module glue (__commonJS, __toESM, …).
      label = source === undefined ? '(esbuild module glue)' : moduleOf(path.resolve(path.dirname(bundleFile), source), repoRoot);
    }
    label ??= unbundled(nodes.get(id)?.callFrame);
    byModule.set(label, (byModule.get(label) ?? 0) + us);
  }
  return [...byModule.entries()].map(([module, us]) => ({ module, ms: us / 1000, share: us / total })).sort((a, b) => b.ms - a.ms);
}

function unbundled(frame: CallFrame | undefined): string {
  if (!frame) return '(unknown)';
  if (frame.functionName.startsWith('(')) return frame.functionName;
  if (frame.url.startsWith('node:')) return '(node internals, no bundled caller)';
  return `(native ${frame.functionName || 'code'}, no bundled caller)`;
}

/** "src/core/llm/scheduler.ts", or "npm:openai" / "npm:@scope/name" for dependencies. */
function moduleOf(source: string, repoRoot: string): string {
  const at = source.lastIndexOf('/node_modules/');
  if (at < 0) return path.relative(repoRoot, source);
  const parts = source.slice(at + '/node_modules/'.length).split('/');
  return `npm:${parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Per generated line, the [generated column, source index] of each mapping segment, in column order. */
function decodeMappings(mappings: string): [number, number][][] {
  const lines: [number, number][][] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        segments.push([column, source]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function sourceAt(lines: [number, number][][], line: number, column: number): number {
  const segments = lines[line] ?? [];
  let found = segments[0]?.[1] ?? -1;
  for (const [col, src] of segments) {
    if (col > column) break;
    found = src;
  }
  return found;
}
