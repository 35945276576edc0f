/** `edgelens-agent <args>` as a user runs it (the bundle or tsx, tooling's nodeEntryArgs); every stdout line must be an InferenceResult. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { InferenceResultSchema, type InferenceResult } from "@edgelens/shared";
import { nodeEntryArgs } from "@edgelens/tooling/processes";
import { REPO_ROOT } from "./repo-root";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  results: InferenceResult[];
}

export function runAgentCli(args: string[]): Promise<CliRun> {
  const cli = join(REPO_ROOT, "apps/agent/src/cli.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeEntryArgs(cli, args), { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = stdout.split("\n").filter((l) => l !== "");
      try {
        resolve({ code, stdout, stderr, results: lines.map((l) => InferenceResultSchema.parse(JSON.parse(l))) });
      } catch (error) {
        reject(new Error(`stdout is not InferenceResult lines: ${String(error)}\n${stdout.slice(0, 500)}\nstderr: ${stderr}`));
      }
    });
  });
}
