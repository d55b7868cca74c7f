// Two fake models that generate and verify differently, for cross-verification grids on writeTasks
// tasks: "strong" answers 3 of 4 samples right on even tasks and 2 of 4 on odd ones (accuracy 62.5 %)
// and its mc judges right (0.9 after a right answer, 0.1 after a wrong one); "weak" answers 1 of 4
// right and its mc is fooled (0.3 after a right answer, 0.6 after a wrong one). Under threshold:0.5:
// gap(strong, strong) = +37.5 pp, gap(strong, weak) = −62.5 pp, gap(weak, weak) = −25 pp and
// gap(weak, strong) = +75 pp.
import type { FakeAnswer, FakeRequest } from '../fixtures/openaiServer';
import { isTaskPrompt } from './runs';

export function strongWeakResponder(req: FakeRequest): FakeAnswer | undefined {
  if (!isTaskPrompt(req)) return undefined;
  const strong = req.model === 'strong';
  const even = Number(/Variant (\d+):/.exec(req.prompt)?.[1]) % 2 === 0;
  if (req.topLogprobs === undefined) return { text: `The answer is ${req.choiceIndex < (strong ? (even ? 3 : 2) : 1) ? 42 : 7}.` };
  const right = req.prompt.slice(req.prompt.lastIndexOf('Response: ')).includes('answer is 42');
  const pCorrect = strong ? (right ? 0.9 : 0.1) : right ? 0.3 : 0.6;
  return { top: [{ token: ' Correct', logprob: Math.log(pCorrect) }, { token: ' Incorrect', logprob: Math.log(0.95 - pCorrect) }] };
}
