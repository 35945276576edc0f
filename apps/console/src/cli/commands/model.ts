import { mkdir, rename, writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import type { Command } from "commander";
import { EdgelensError } from "@edgelens/shared";
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

  model
    .command("optimize <model>")
    .description("write a new version quantised to int8 (static QDQ), calibrated on photos; prints it with its accuracy against the float version")
    .option("--int8", "quantise to int8 (static QDQ, per-channel weights)")
    .option("--calibration <dir>", "directory of photos to calibrate activation ranges on (and to measure accuracy on)")
    .option("--out <file>", "also write the int8 ONNX file here")
    .option("--keep-float <layers>", "keep Conv layers in float: none, first, last or first-last", "first-last")
    .option("--method <method>", "activation range calibration: minmax, percentile or mse", "mse")
    .action(async (ref: string, opts: { int8?: boolean; calibration?: string; out?: string; keepFloat: string; method: string }) => {
      if (!["none", "first", "last", "first-last"].includes(opts.keepFloat)) throw new EdgelensError("INVALID_PAYLOAD", `--keep-float: expected none, first, last or first-last, got "${opts.keepFloat}"`);
      if (!["minmax", "percentile", "mse"].includes(opts.method)) throw new EdgelensError("INVALID_PAYLOAD", `--method: expected minmax, percentile or mse, got "${opts.method}"`);
      await withContext(async (ctx) => {
        const { optimizeModel } = await import("../../server/services/model-optimize");
        let lastPct = -10;
        const result = await optimizeModel(
          ctx,
          {
            model: ref,
            int8: opts.int8 ?? false,
            ...(opts.calibration ? { calibration: resolve(opts.calibration) } : {}),
            keepFloat: opts.keepFloat as "none",
            method: opts.method as "minmax",
          },
          (phase, pct) => {
            if (pct - lastPct >= 10 || pct === 100) {
              lastPct = pct;
              note(`optimizing ${ref}: ${phase} ${Math.round(pct)}%`);
            }
          },
        );
        if (opts.out) {
          // Written whole then renamed: a failed write leaves no partial model behind.
          const path = resolve(opts.out);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(`${path}.${process.pid}.tmp`, result.onnx);
          await rename(`${path}.${process.pid}.tmp`, path);
          note(`wrote ${path}`);
        }
        const { onnx: _onnx, ...rest } = result;
        printJson(rest);
      });
    });
}
