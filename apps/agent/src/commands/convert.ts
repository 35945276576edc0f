import type { Command } from "commander";
import { runAction } from "./report-error";

export function registerConvertCommand(program: Command): void {
  program
    .command("convert")
    .description("Convert a TF.js graph model (model.json + weight shards beside it) to ONNX")
    .argument("<model.json>", "the TF.js graph model")
    .argument("<out.onnx>", "where to write the ONNX model (written atomically)")
    .option("--no-float16", "store float16 weights as float32 (larger file)")
    .action(
      runAction(async (modelJson: string, outOnnx: string, flags: { float16: boolean }) => {
        const { runConvertCommand } = await import("@edgelens/vision/converter");
        const started = performance.now();
        let lastStage = "";
        const result = await runConvertCommand(modelJson, outOnnx, {
          keepFloat16: flags.float16,
          onProgress: (p) => {
            if (p.stage !== lastStage || p.done === p.total) process.stderr.write(`${p.stage} ${p.done}/${p.total}\n`);
            lastStage = p.stage;
          },
        });
        for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
        const shape = (t: { name: string; type: string; shape: (number | string)[] }) => `${t.name} ${t.type}[${t.shape.join(",")}]`;
        process.stderr.write(
          `wrote ${result.path} (${result.bytes} bytes, ${result.stats.onnxNodes} ONNX nodes from ${result.stats.tfNodes} TF nodes) in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
            `inputs: ${result.inputs.map(shape).join("; ")}\noutputs: ${result.outputs.map(shape).join("; ")}\n`,
        );
      }),
    );
}
