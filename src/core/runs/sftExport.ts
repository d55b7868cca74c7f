// `gaplens export --format sft`: the samples a filter keeps, as chat-format JSONL for supervised
// fine-tuning — the self-improvement step the gap measurement is meant to justify.
import { generationsInOrder, type RunData } from './runStore';
import { sampleKey } from './sampleKey';

export interface SftMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface SftRecord {
  messages: SftMessage[];
  /** The filter weight; present only when the weights are not all 0/1 (e.g. the exp filter). */
  weight?: number;
  meta: { task: string; index: number };
}

/**
 * One record per kept sample (weight > 0; a sample missing from `weights` is not kept), in task
 * order then index: the task's question as the user turn, the model's generation as the
 * assistant turn. `weights` is keyed by sampleKey(task, index).
 */
export function toSftRecords(run: RunData, weights: Map<string, number>): SftRecord[] {
  for (const [key, w] of weights) {
    if (!Number.isFinite(w) || w < 0) throw new Error(`toSftRecords: weight ${w} of ${JSON.stringify(key)} is not a finite number >= 0`);
  }
  const binary = [...weights.values()].every((w) => w === 0 || w === 1);
  const questions = new Map(run.tasks.map((t) => [t.id, t.question]));
  return generationsInOrder(run).flatMap((g): SftRecord[] => {
    const weight = weights.get(sampleKey(g.task, g.index)) ?? 0;
    if (weight <= 0) return [];
    const messages: SftMessage[] = [
      { role: 'user', content: questions.get(g.task) ?? '' },
      { role: 'assistant', content: g.text },
    ];
    return [{ messages, ...(binary ? {} : { weight }), meta: { task: g.task, index: g.index } }];
  });
}
