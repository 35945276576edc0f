import type { Command } from "commander";
import { runAction } from "./report-error";

export function registerModelsCommand(program: Command): void {
  program
    .command("models")
    .description("List the sample models (built by `pnpm models`) with their inputs, outputs and sources")
    .option("--json", "print the manifest as JSON on stdout")
    .action(
      runAction(async (flags: { json?: boolean }) => {
        const { SAMPLE_MODEL_NAMES, readModelManifest, sampleModelsDir } = await import("@edgelens/vision/models");
        const manifest = readModelManifest();
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
          return;
        }
        const lines = [`sample models in ${sampleModelsDir()}`];
        for (const name of SAMPLE_MODEL_NAMES) {
          const m = manifest.models[name];
          if (!m) {
            lines.push(`\n${name}: not built (run \`pnpm models\`)`);
            continue;
          }
          const io = (t: { name: string; type: string; shape: (number | string)[] }) => `${t.name} ${t.type}[${t.shape.join(",")}]`;
          lines.push(
            `\n${name}: ${m.description}`,
            `  file     ${m.file} (${(m.size / 1e6).toFixed(1)} MB, sha256 ${m.sha256.slice(0, 16)}...)`,
            `  source   ${m.source.package}@${m.source.version} ${m.source.file} (${m.source.license}${m.source.converted ? ", converted from TF.js" : ""})`,
            `  inputs   ${m.inputs.map(io).join("; ")}`,
            `  outputs  ${m.outputs.map(io).join("; ")}`,
            `  labels   ${m.labels.length} (${m.labels.slice(0, 5).join(", ")}${m.labels.length > 5 ? ", ..." : ""})`,
          );
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
}
