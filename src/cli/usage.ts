export const USAGE = `gaplens — measure the generation-verification gap of a model

Usage:
  gaplens run --tasks builtin:sudoku4x4|builtin:arithmetic|FILE --model SPEC [options]
  gaplens run --resume RUN_DIR [--concurrency C] [--json]
  gaplens report RUN_DIR | --samples FILE [--verifier V] [--filter SPEC] [--json] [--html FILE]
  gaplens reverify RUN_DIR --verifier LIST [--model SPEC] [--json]
  gaplens export RUN_DIR --filter SPEC [--verifier V] --format sft --out FILE
  gaplens tasks validate FILE
  gaplens tasks list
  gaplens templates export DIR
  gaplens cache info|prune [--max-mb M]|clear [--cache DIR] [--json]   response cache (docs/cache.md)

Model SPEC:
  llama:PATH.gguf                 embedded llama.cpp (CPU/GPU), e.g. llama:models/qwen2.5-0.5b.gguf
  llama:default                   a small instruct model, downloaded once into the cache
  openai:MODEL@BASE_URL           any OpenAI-compatible endpoint; key from OPENAI_API_KEY or GAPLENS_API_KEY

run options:
  --limit K                 first K tasks only
  -n N                      samples per task (default 8)
  --verifier LIST           comma list of mc, cot-binary, cot-score, tournament (default mc)
  --filter SPEC             quantile:q | threshold:t | topk:k | exp:b (default quantile:0.8)
  --out DIR                 run folder (default .gaplens/runs/<run id>)
  --concurrency C           model calls in flight (default 8; llama: parallel sequences)
  --api chat|completions    OpenAI API flavour (default completions, as for base models)
  --temperature T --top-p P --max-tokens M   sampling (defaults 0.7, 0.9, 512)
  --verifier-temperature T --verifier-max-tokens M  CoT/tournament verifier sampling (0.7, 512)
  --seed S                  run seed (default 0)
  --tournament-both-orders  ask every tournament match in both orders; records the inconsistency rate
  --templates DIR           prompt templates overriding the defaults (see gaplens templates export)
  --cache DIR | --no-cache  response cache (default ~/.cache/gaplens/responses)
  --timeout-ms MS --retries R   per-call timeout and retry budget
  --threads T               llama.cpp CPU threads (default: half the cores)
  --context-size C          llama.cpp tokens per sequence, prompt + completion (default 4096)
  --json                    print the report as JSON on stdout

report options:
  --verifier V              mc, cot-score, and(mc,cot-score), mean(mc,cot-score) (default: the run's first verifier)
  --filter SPEC             as above (default: the run's filter)
  --checker-corrected       flip correctness where an annotation says the checker was wrong
  --bootstrap B --seed S    bootstrap resamples (default 1000) and seed
  --json | --html FILE

Exit codes: 0 ok, 1 failure, 2 usage error.
`;
