// A task file with one good task and one of each problem the language server must flag.
export const BROKEN_LINES = [
  '{"id": "a", "question": "2+3?", "answer": "5", "grader": "numeric"}',
  '{"id": "b", "question": "x"',
  '',
  '{"id": "a", "question": "again", "answer": "1", "grader": "numeric"}',
  '{"id": "c", "question": "q", "answer": "five", "grader": "numeric"}',
  '{"id": "d", "question": "q", "answer": "1", "grader": "fuzzy"}',
  '{"id": "e", "answer": "1", "grader": "exact"}',
];

/** 0-based line → the message the diagnostic on it must match, and the text it marks (null: the whole line). */
export const EXPECTED_PROBLEMS: readonly [number, RegExp, string | null][] = [
  [1, /^invalid JSON/, '"'],
  [3, /^duplicate id "a" \(first used on line 1\)$/, '"a"'],
  [4, /gold answer "five" is not a number/, '"five"'],
  [5, /^unknown grader "fuzzy"/, '"fuzzy"'],
  [6, /^missing "question"$/, null],
];
