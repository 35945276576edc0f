/**
 * The real agent (`edgelens-agent run --device-file edgelens-device.json`, one node process on
 * apps/agent/src/cli.ts) started beside the downloaded file, as the device page tells users to.
 */
import { join } from "node:path";
import { childEnv, startNodeEntry, type ManagedProcess } from "@edgelens/tooling/processes";
import { repoRoot } from "../support/paths";

export const agentCli = `${repoRoot}apps/agent/src/cli.ts`;

export function startAgent(deviceFileName: string, cwd: string): ManagedProcess {
  return startNodeEntry("agent", agentCli, ["run", "--device-file", deviceFileName, "--telemetry-interval", "2"], {
    cwd,
    echo: false,
    env: childEnv({ EDGELENS_AGENT_DATA_DIR: join(cwd, "agent-data"), EDGELENS_AGENT_STREAM_PORT: "0" }),
  });
}
