// Starts the project worker from TypeScript source (dev under tsx, tests under vitest): a
// worker_thread gets no loader from its parent's vitest transform, so it registers tsx's ESM
// hooks for its own thread, then loads worker.ts. A bundled agent starts worker.js directly.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
