import type { Command } from "commander";
import { collect, positiveInt, positiveNumber } from "./option-parsers";
import { runAction } from "./report-error";

interface InferFlags {
  template?: string;
  function?: string;
  model: string[];
  input: string;
  maxFrames?: number;
  fps?: number;
  threads?: number;
  config?: string;
  gallery?: string;
  out?: string;
}

const fmt = (ms: number) => ms.toFixed(1);

export function registerInferCommand(program: Command): void {
  program
    .command("infer")
    .description(
      "The local simulator: run a project function on an image, video, directory or stream with the device's runtime. " +
        "Prints one InferenceResult JSON per line on stdout (nothing else); progress and the project's log go to stderr.",
    )
    .option("--template <name>", "a sample project (see `templates`)")
    .option("--function <file>", "your function, .ts or .js (export default defineProject({...}))")
    .option("--model <name=path>", "a model of the function: name=file.onnx or name=<sample model>; repeatable", collect, [])
    .requiredOption("--input <path|uri>", "image, video, directory of images, or a source URI (rtsp://, http://, testsrc://, ...)")
    .option("--max-frames <n>", "stop after n frames", positiveInt)
    .option("--fps <f>", "resample the input to f frames per second (default: every frame)", positiveNumber)
    .option("--threads <t>", "onnxruntime threads per model", positiveInt)
    .option("--config <json>", "project config merged over the template's, e.g. '{\"threshold\":0.5}'")
    .option("--gallery <dir>", "face gallery for ctx.gallery (face-recognition): one subfolder of photos per person, each photo showing one face")
    .option("--out <file.jpg|dir>", "write annotated frames: one .jpg file, or numbered .jpg files into a directory")
    .addHelpText(
      "after",
      "\nExamples:\n  pnpm -s agent infer --template object-detection --input ../shared/media/dog.jpg --out /tmp/dog.jpg\n" +
        "  pnpm -s agent infer --template face-recognition --gallery ./people --input photo.jpg\n" +
        "  pnpm -s agent infer --function my-function.ts --model detector=centernet --input video.mp4 --max-frames 50\n",
    )
    .action(
      runAction(async (flags: InferFlags) => {
        // Loaded here so that --help and the other commands start without onnxruntime and sharp.
        const [{ buildGalleryFromFolder, resolveProject, runSimulation }, { agentEnv }] = await Promise.all([import("../simulator/index"), import("../env")]);
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const project = await resolveProject({
          ...(flags.template !== undefined ? { template: flags.template } : {}),
          ...(flags.function !== undefined ? { functionFile: flags.function } : {}),
          modelArgs: flags.model,
          ...(flags.config !== undefined ? { configJson: flags.config } : {}),
        });
        const gallery = flags.gallery === undefined ? undefined : await buildGalleryFromFolder(flags.gallery, flags.threads);
        if (gallery) log(`gallery ${flags.gallery}: ${gallery.people.map((p) => `${p.name} (${p.descriptors.length})`).join(", ")}`);
        log(`project ${project.projectId} (${project.sha256.slice(0, 12)}), models: ${Object.keys(project.models).join(", ") || "none"}`);
        const summary = await runSimulation({
          projectId: project.projectId,
          code: project.code,
          models: project.models,
          config: project.config,
          ...(gallery ? { gallery } : {}),
          input: flags.input,
          ffmpegPath: agentEnv().EDGELENS_AGENT_FFMPEG,
          sandbox: { user: agentEnv().EDGELENS_AGENT_FUNCTION_USER, maxRssMb: agentEnv().EDGELENS_AGENT_FUNCTION_MAX_RSS_MB },
          ...(flags.maxFrames ? { maxFrames: flags.maxFrames } : {}),
          ...(flags.fps ? { fps: flags.fps } : {}),
          ...(flags.threads ? { threads: flags.threads } : {}),
          ...(flags.out ? { out: flags.out } : {}),
          onResult: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
          onLog: log,
        });
        const { stats } = summary;
        log(
          `${summary.frames} frame(s), ${summary.results} result(s), ${summary.errors} failed; ` +
            `latency p50 ${fmt(stats.latencyMs.p50)} ms, p95 ${fmt(stats.latencyMs.p95)} ms; inference p50 ${fmt(stats.inferenceMs.p50)} ms`,
        );
        if (summary.errors > 0) {
          log(`error [FUNCTION_FAILED]: the function failed on ${summary.errors} of ${summary.frames} frame(s)`);
          process.exitCode = 1;
        }
      }),
    );
}
