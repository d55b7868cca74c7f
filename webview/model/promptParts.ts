// A verifier prompt split for reading: the few-shot preamble (the same for every sample, so collapsed
// in the detail pane) and the part that is about this sample — from the line where the judged question
// (or, failing that, the judged response) last appears to the end. Pure.

export interface PromptParts {
  /** The examples before the judged part; '' when the prompt has none or the split point is not found. */
  preamble: string;
  /** The question and response being judged, and the marker the model continues from. */
  judged: string;
}

/**
 * Splits at the start of the line holding the last occurrence of `question`, else of `response`
 * (templates put them last, after the examples); the whole prompt is `judged` when neither occurs.
 */
export function promptParts(prompt: string, question: string | undefined, response: string | undefined): PromptParts {
  for (const needle of [question, response]) {
    const at = needle && needle.trim() !== '' ? prompt.lastIndexOf(needle.trim()) : -1;
    if (at < 0) continue;
    const lineStart = prompt.lastIndexOf('\n', at) + 1;
    return { preamble: prompt.slice(0, lineStart), judged: prompt.slice(lineStart) };
  }
  return { preamble: '', judged: prompt };
}
