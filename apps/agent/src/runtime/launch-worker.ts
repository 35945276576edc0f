import { Worker } from "node:worker_threads";

/**
 * Where the project worker's code is. From TypeScript source (`pnpm -s agent`, vitest) it is
 * worker-entry.mjs, which registers tsx for the worker's own thread: a worker inherits neither
 * vitest's transform nor, with `execArgv: []`, the parent's loader flags. A bundled agent
 * (dist/cli.js) ships the worker as dist/worker.js beside it.
 */
export function defaultWorkerUrl(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-entry.mjs", import.meta.url) : new URL("./worker.js", import.meta.url);
}

export interface LaunchOptions {
  url?: URL;
  /** V8 heap cap of the worker in MB: user code that leaks ends its worker, not the agent. */
  maxHeapMb?: number;
}

export function launchWorker(options: LaunchOptions = {}): Worker {
  return new Worker(options.url ?? defaultWorkerUrl(), {
    // Why empty: the parent's flags (tsx's loader, vitest's) would be applied twice or wrongly.
    execArgv: [],
    // Captured so that console.log in user code reaches the project log, never the agent's stdout
    // (the simulator's stdout carries only results).
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 1024 },
  });
}
