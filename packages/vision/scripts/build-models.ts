/**
 * `pnpm models` (root) / `pnpm --filter @edgelens/vision build:models`: builds the sample models
 * into packages/vision/.models. `--force` rebuilds even what is cached.
 */
import { buildSampleModels, type BuildEvent } from "../src/models/index";

const force = process.argv.includes("--force");
const lastPercent = new Map<string, number>();

function print(e: BuildEvent): void {
  if (e.progress) {
    // Print each conversion stage at 0, 25, 50, 75 and 100 % so the log stays short.
    const pct = Math.floor((100 * e.progress.done) / Math.max(1, e.progress.total) / 25) * 25;
    const key = `${e.model}:${e.progress.stage}`;
    if (lastPercent.get(key) === pct) return;
    lastPercent.set(key, pct);
    console.log(`[${e.model}] ${e.progress.stage} ${pct}% (${e.progress.done}/${e.progress.total})`);
    return;
  }
  console.log(`[${e.model}] ${e.message}`);
}

const started = performance.now();
const result = await buildSampleModels({ force, onEvent: print });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.built.length === 0) {
  console.log(`Sample models are up to date in ${result.dir} (cached: ${result.cached.join(", ")}); nothing to do.`);
} else {
  console.log(`Built ${result.built.join(", ")}${result.cached.length ? ` (cached: ${result.cached.join(", ")})` : ""} into ${result.dir} in ${seconds}s`);
  for (const name of result.built) {
    const m = result.manifest.models[name as keyof typeof result.manifest.models];
    if (m) console.log(`  ${m.file}  ${(m.size / 1e6).toFixed(1)} MB  sha256 ${m.sha256.slice(0, 12)}…${m.conversion ? `  converted in ${m.conversion.ms} ms, ${m.conversion.tfNodes} TF nodes -> ${m.conversion.onnxNodes} ONNX nodes` : ""}`);
  }
}
