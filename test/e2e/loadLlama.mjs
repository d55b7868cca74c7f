// Loads node-llama-cpp from the file given as argument (an installed extension's copy) the way
// src/core/llm/llamaRuntime.ts does, and prints which llama.cpp binary it picked. A script file,
// not `node -e`: node-llama-cpp tests its binary in a forked child of the current module file.
const { getLlama } = await import(process.argv[2]);
const llama = await getLlama({ gpu: 'auto', build: 'never', skipDownload: true, progressLogs: false });
console.log(JSON.stringify({ buildType: llama.buildType, gpu: llama.gpu }));
await llama.dispose();
