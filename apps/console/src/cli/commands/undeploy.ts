import type { Command } from "commander";
import { parsePositiveNumber, withContext } from "../runtime";
import { reportDeployments, type OutcomeOptions } from "./deployment-outcome";

interface UndeployOptions extends OutcomeOptions {
  device: string[];
}

export function undeployCommand(program: Command): void {
  program
    .command("undeploy <project>")
    .description("remove one project (id or name) from devices, leaving their other projects running; with --wait, exit 0 once removed, 1 on failure")
    .requiredOption("--device <id...>", "device id(s)")
    .option("--wait", "wait until each device has removed it")
    .option("--timeout <seconds>", "how long --wait waits", "300")
    .option("--json", "print the deployments as JSON")
    .action(async (project: string, opts: UndeployOptions) => {
      const timeoutMs = parsePositiveNumber(opts.timeout, "--timeout") * 1000;
      await withContext(async (ctx) => {
        const { undeployProject } = await import("../../server/services/deployments");
        const created = await undeployProject(ctx, { projectId: project, deviceIds: opts.device }, "cli");
        await reportDeployments(ctx, created, opts, timeoutMs);
      });
    });
}
