// The one node-llama-cpp runtime of the process. node-llama-cpp is ESM-only and heavy (native
// addon, GPU probing), so it is imported lazily, and only once: a second `getLlama()` in the same
// process shares the native binding but llama.cpp then logs straight to stderr, bypassing its logger.
import type { Llama, LlamaLogLevel } from 'node-llama-cpp';
import { UserError } from '../util/errors';

export type LlamaModule = typeof import('node-llama-cpp');

/** Receives llama.cpp's warnings and errors (e.g. for a debug log); nothing is printed otherwise. */
export type LlamaLogListener = (level: LlamaLogLevel, message: string) => void;

export interface LlamaRuntime {
  mod: LlamaModule;
  llama: Llama;
}

const logListeners = new Set<LlamaLogListener>();
let runtime: Promise<LlamaRuntime> | undefined;

export function loadLlamaRuntime(): Promise<LlamaRuntime> {
  runtime ??= createRuntime().catch((error: unknown) => {
    runtime = undefined; // let a later call retry (e.g. after the user installed a missing library)
    throw error;
  });
  return runtime;
}

/** Subscribes to llama.cpp's log; returns the unsubscribe function. */
export function addLlamaLogListener(listener: LlamaLogListener): () => void {
  logListeners.add(listener);
  return () => {
    logListeners.delete(listener);
  };
}

async function createRuntime(): Promise<LlamaRuntime> {
  const mod = await import('node-llama-cpp');
  try {
    const llama = await mod.getLlama({
      // The best prebuilt binary (Metal, CUDA, Vulkan, else CPU); never compile on the user's machine.
      gpu: 'auto',
      build: 'never',
      skipDownload: true,
      progressLogs: false,
      logLevel: mod.LlamaLogLevel.warn,
      logger: (level, message) => {
        for (const listener of logListeners) listener(level, message.trimEnd());
      },
    });
    return { mod, llama };
  } catch (error) {
    throw new UserError(
      `llama.cpp could not start on this machine (${error instanceof Error ? error.message : String(error)}). ` +
        'node-llama-cpp ships prebuilt binaries for macOS, Linux and Windows on x64 and arm64; ' +
        'on other platforms use an OpenAI-compatible server instead (--model openai:MODEL@URL).',
    );
  }
}
