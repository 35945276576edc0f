import type { Command } from "commander";
import { parsePositiveNumber, withContext } from "../runtime";
import { reportDeployments, type OutcomeOptions } from "./deployment-outcome";

interface DeployOptions extends OutcomeOptions {
  device: string[];
}

export function deployCommand(program: Command): void {
  program
    .command("deploy <project>")
    .description("add a project (id or name) to what devices run, or replace its version there (`none` removes every project); with --wait, exit 0 once running, 1 on failure")
    .requiredOption("--device <id...>", "device id(s)")
    .option("--wait", "wait until each device runs it (or fails)")
    .option("--timeout <seconds>", "how long --wait waits", "300")
    .option("--json", "print the deployments as JSON")
    .action(async (project: string, opts: DeployOptions) => {
      const timeoutMs = parsePositiveNumber(opts.timeout, "--timeout") * 1000;
      await withContext(async (ctx) => {
        const { deployProject, removeProject } = await import("../../server/services/deployments");
        const created = project === "none" ? await removeProject(ctx, { deviceIds: opts.device }, "cli") : await deployProject(ctx, { projectId: project, deviceIds: opts.device }, "cli");
        await reportDeployments(ctx, created, opts, timeoutMs);
      });
    });
}
