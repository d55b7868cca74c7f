// Loads scored samples (the statistics' view) into a SampleStore (the panel's view), so model tests can
// compare the panel's numbers with computeReport on the very same data.
import type { ScoredSample } from '../../src/core/stats/types';
import { parseHostMessage, type SampleRow, type TaskInfo, type VerificationRow } from '../../src/protocol/panelProtocol';
import { SampleStore } from '../../webview/model/sampleStore';

export function rowOf(s: ScoredSample, graded = true): SampleRow {
  const verifications: VerificationRow[] = Object.entries(s.scores).map(([verifier, score]) =>
    score === null ? { verifier, score, parse: 'failed', parseError: 'unparsed', prompt: 'p', raw: 'r' } : { verifier, score, parse: 'ok', prompt: 'p', raw: 'r' },
  );
  const answer = s.answer ?? null;
  return { task: s.task, index: s.index, text: `answer ${answer}`, correct: graded ? s.correct : null, extracted: answer, normalized: answer, gradeReason: 'r', verifications };
}

export function storeOf(samples: readonly ScoredSample[], options: { verifiers?: string[]; ungradedTasks?: string[] } = {}): SampleStore {
  const store = new SampleStore();
  const ungraded = new Set(options.ungradedTasks ?? []);
  store.reset({
    run: { id: 'run', model: 'm', tasks: 'set', n: 4, verifiers: options.verifiers ?? ['mc'], filter: 'quantile:0.5' },
    mode: ungraded.size > 0 ? 'check' : 'gap',
  });
  const tasks: TaskInfo[] = [...new Set(samples.map((s) => s.task))].map((id) => ({ id, question: `q ${id}`, gold: ungraded.has(id) ? [] : ['g'], grader: 'exact' }));
  store.addSamples({ tasks, rows: samples.map((s) => rowOf(s, !ungraded.has(s.task))) });
  return store;
}

/** A SampleStore fed host messages as the panel applies them, each validated as the webview validates it (cloned first, as postMessage clones). */
export function storeFromMessages(messages: readonly unknown[]): SampleStore {
  const store = new SampleStore();
  for (const raw of messages) {
    const parsed = parseHostMessage(structuredClone(raw));
    if (!parsed.ok) throw new Error(`the host posted an invalid message: ${parsed.error}`);
    const n = parsed.value;
    if (n.kind !== 'notify') continue;
    if (n.method === 'init') store.reset(n.params);
    else if (n.method === 'sampleTable') store.addTable(n.params);
    else if (n.method === 'samples') store.addSamples(n.params);
    else if (n.method === 'annotations') store.addAnnotations(n.params.records);
    else if (n.method === 'runState') store.runState = n.params;
  }
  return store;
}
