/**
 * The real agent (`pnpm -s agent run --device-file edgelens-device.json`, i.e. tsx on
 * apps/agent/src/cli.ts) started beside the downloaded file, as the device page tells users to.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot, tsxBin } from "../support/paths";
import { startChild, type Child } from "../support/processes";

export const agentCli = `${repoRoot}apps/agent/src/cli.ts`;

/** True once `run` is the daemon (its placeholder says "not implemented"). */
export function agentRunAvailable(): boolean {
  const r = spawnSync(tsxBin, [agentCli, "run", "--help"], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  return r.status === 0 && text.includes("--device-file") && !/not implemented/i.test(text);
}

export function startAgent(deviceFileName: string, cwd: string): Child {
  return startChild(tsxBin, [agentCli, "run", "--device-file", deviceFileName, "--telemetry-interval", "2"], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      EDGELENS_AGENT_DATA_DIR: join(cwd, "agent-data"),
      EDGELENS_AGENT_STREAM_PORT: "0",
    },
  });
}
