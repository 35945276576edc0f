/** Runs the admin CLI (apps/console/src/cli/main.ts, one node process) or the agent CLI in the repo root; output kept byte for byte. */
import { spawn } from "node:child_process";
import { childEnv, nodeEntryArgs } from "@edgelens/tooling/processes";
import { repoRoot } from "./paths";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return runCommand("edgelens", process.execPath, nodeEntryArgs(`${repoRoot}apps/console/src/cli/main.ts`, args), env, timeoutMs);
}

/** `pnpm -s agent <args>` in the repo root, as a user runs the agent's CLI (the simulator). */
export function runAgentCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runCommand("edgelens-agent", "pnpm", ["-s", "agent", ...args], env, timeoutMs);
}

function runCommand(name: string, command: string, argv: string[], env: Record<string, string>, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: repoRoot, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} ${argv.join(" ")} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
