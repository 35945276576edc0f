/**
 * The benchmarks `pnpm bench` runs, in this order, each in its own package folder (its tsconfig,
 * its dependencies) with `--json <fragment>` appended. `quick` arguments shorten every loop so the
 * whole suite is checkable in a few minutes; budgets bound each run's wall time (2 shared cores).
 */
export interface BenchSpec {
  name: string;
  about: string;
  /** Package folder relative to the repository root; the script is relative to it. */
  cwd: string;
  script: string;
  args: { full: string[]; quick: string[] };
  budgetS: { full: number; quick: number };
}

export const SUITE: BenchSpec[] = [
  {
    name: "model-runtime",
    about: "bare onnxruntime session.run per sample model, 1 and 2 threads, against MODELS.md's figures",
    cwd: "packages/vision",
    script: "bench/model-runtime.ts",
    args: { full: [], quick: ["--runs", "5", "--warmup", "1"] },
    budgetS: { full: 300, quick: 120 },
  },
  {
    name: "quantize-int8",
    about: "int8 (QDQ) against float per sample model at 1 thread, and held-out accuracy, against issue 15.4's targets",
    cwd: "packages/vision",
    script: "bench/quantize-int8.ts",
    args: { full: [], quick: ["--runs", "5", "--warmup", "1", "--calibration-frames", "2"] },
    budgetS: { full: 600, quick: 300 },
  },
  {
    name: "pipeline-vs-bare",
    about: "the simulator's per-frame path per sample model against bare session.run on the same input",
    cwd: "apps/agent",
    script: "bench/pipeline-vs-bare.ts",
    args: { full: [], quick: ["--threads", "2", "--frames", "10", "--warmup-frames", "3", "--runs", "5", "--bare-warmup", "1"] },
    budgetS: { full: 900, quick: 300 },
  },
  {
    name: "agent-steady",
    about: "the agent process end to end (broker, subscriber): fps against bare session.run, latency, RSS",
    cwd: "apps/agent",
    script: "bench/agent-steady.ts",
    args: { full: [], quick: ["--seconds", "5", "--threads", "2", "--runs", "10"] },
    budgetS: { full: 600, quick: 300 },
  },
  {
    name: "camera-sharing",
    about: "1, 2 and 4 projects on one camera (one shared decoder) against one project: results/s and ffmpeg processes",
    cwd: "apps/agent",
    script: "bench/camera-sharing.ts",
    args: { full: [], quick: ["--seconds", "4", "--warmup", "2"] },
    budgetS: { full: 300, quick: 180 },
  },
  {
    name: "clip-ring-cost",
    about: "CPU of a camera's clip ring fed its decoder's frames, against a ring that opens and decodes the source again",
    cwd: "apps/agent",
    script: "bench/clip-ring-cost.ts",
    args: { full: [], quick: ["--seconds", "5", "--warmup", "2"] },
    budgetS: { full: 120, quick: 60 },
  },
  {
    name: "agent-projects-rss",
    about: "memory of the agent's process tree (agent + one sandbox per project + decoders): idle, 1 project, 3 projects",
    cwd: "apps/agent",
    script: "bench/agent-projects-rss.ts",
    args: { full: [], quick: ["--seconds", "4"] },
    budgetS: { full: 300, quick: 180 },
  },
  {
    name: "agent-deploy",
    about: "deploy latency (publish -> first result): cold, cached, replacing",
    cwd: "apps/agent",
    script: "bench/agent-deploy.ts",
    args: { full: [], quick: ["--runs", "1"] },
    budgetS: { full: 600, quick: 240 },
  },
  {
    name: "broker",
    about: "Edgelens broker with 10 rules, auth and ACL against mosquitto (and bare aedes), 100 and 1000 devices",
    cwd: "apps/broker",
    script: "bench/broker-vs-mosquitto.ts",
    args: { full: [], quick: ["--messages", "3000", "--rounds", "1", "--overload-seconds", "0", "--paced-seconds", "5"] },
    budgetS: { full: 1200, quick: 420 },
  },
  {
    name: "broker-fleet",
    about: "20,000 devices on one node (a result every 10 s each, 10 rules): restart storm, p50/p99, RSS per connection; the same through 2 nodes and Redis",
    cwd: "apps/broker",
    script: "bench/fleet.ts",
    args: { full: [], quick: ["--devices", "2000", "--seconds", "10", "--interval", "5"] },
    budgetS: { full: 900, quick: 240 },
  },
  {
    name: "event-insert",
    about: "SQLite events inserts the broker's batched way against single-row autocommit",
    cwd: "packages/db",
    script: "bench/event-insert.ts",
    args: { full: [], quick: ["--rows", "5000", "--seconds", "2", "--rounds", "1"] },
    budgetS: { full: 300, quick: 120 },
  },
  {
    name: "console-pages",
    about: "console dashboard, device list and device API with 1000 devices against /api/health",
    cwd: "apps/console",
    script: "bench/pages.ts",
    args: { full: [], quick: ["--requests", "5", "--warmup", "1", "--no-build", "--register", "50"] },
    budgetS: { full: 1200, quick: 600 },
  },
  {
    name: "console-rollout",
    about: "a staged rollout to 100 simulated devices through the real broker (told -> all running), all at once and in batches, against one plain deploy",
    cwd: "apps/console",
    script: "bench/rollout.ts",
    args: { full: [], quick: ["--devices", "20"] },
    budgetS: { full: 600, quick: 240 },
  },
  {
    name: "console-upload-memory",
    about: "console RSS over a streamed 1000 MiB ONNX upload; validation peak RSS, old (whole file) against new (skeleton)",
    cwd: "apps/console",
    script: "bench/upload-memory.ts",
    args: { full: [], quick: ["--mib", "200", "--no-build"] },
    budgetS: { full: 900, quick: 600 },
  },
];
