import { basename, extname, resolve } from "node:path";
import type { Command } from "commander";
import { note, printJson, printLine, table, withContext } from "../runtime";

export function modelCommands(program: Command): void {
  const model = program.command("model").description("import and list models");

  model
    .command("import <file>")
    .description("import an ONNX model (.onnx) or a TF.js graph model (its model.json, shards beside it)")
    .option("--name <name>", "model name (default: the file name without extension)")
    .option("--description <text>", "description")
    .action(async (file: string, opts: { name?: string; description?: string }) => {
      const path = resolve(file);
      const isTfjs = extname(path).toLowerCase() === ".json";
      const name = opts.name ?? basename(path, extname(path)).replace(/^model$/, basename(resolve(path, "..")));
      await withContext(async (ctx) => {
        const { importTfjsModel } = await import("../../server/services/model-conversion");
        const { importOnnxModel } = await import("../../server/services/models");
        let lastPct = -10;
        const version = isTfjs
          ? await importTfjsModel(ctx, { name, modelJsonPath: path, ...(opts.description ? { description: opts.description } : {}), source: `file:${basename(path)}` }, (phase, pct) => {
              if (pct - lastPct >= 10 || pct === 100) {
                lastPct = pct;
                note(`converting ${name}: ${phase} ${Math.round(pct)}%`);
              }
            })
          : await importOnnxModel(ctx, { name, file: path, source: `file:${basename(path)}`, ...(opts.description ? { description: opts.description } : {}) });
        printJson(version);
      });
    });

  model
    .command("list")
    .description("list models and their latest versions")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const { listModels } = await import("../../server/services/models");
        const models = listModels(ctx);
        if (opts.json) return printJson(models);
        const rows = models.map((m) => [m.name, m.latest ? `v${m.latest.version}` : "-", m.latest?.format ?? "-", m.latest ? `${(m.latest.size / 1e6).toFixed(1)} MB` : "-", m.latest?.sha256.slice(0, 12) ?? "-"]);
        printLine(table([["NAME", "VERSION", "FORMAT", "SIZE", "SHA256"], ...rows]));
      });
    });

  model
    .command("samples")
    .description("import the sample models built by `pnpm models` (idempotent)")
    .action(async () => {
      await withContext(async (ctx) => {
        const { importSampleModels } = await import("../../server/services/sample-models");
        printJson(await importSampleModels(ctx));
      });
    });
}
