import type { Command } from "commander";
import { CliFailure, note, parsePositiveNumber, withContext } from "../runtime";
import { deployGroup, parsePriority } from "./deploy-group";
import { reportDeployments, type OutcomeOptions } from "./deployment-outcome";
import { addRolloutOptions, readDeviceIds, readRolloutFlags, type RolloutFlags } from "./rollout-options";
import { reportRollout } from "./rollout-outcome";

interface DeployOptions extends Omit<OutcomeOptions, "timeout">, RolloutFlags {
  device?: string[];
  devices?: string;
  group?: string;
  priority?: string;
  timeout?: string;
}

export function deployCommand(program: Command): void {
  const cmd = program
    .command("deploy <project>")
    .description(
      "add a project (id or name) to what devices (or a group's devices) run, or replace its version there (`none` removes every project); a rollout flag makes it a staged rollout; with --wait, exit 0 once running, 1 on failure",
    )
    .option("--device <id...>", "device id(s)")
    .option("--devices <ids>", "device ids, comma-separated")
    .option("--group <name>", "a device group: its members get it now, devices that join later get it then")
    .option("--priority <n>", "with --group: between groups a device is in, the higher wins, then the newer (with rollout flags: of the group deployment the rollout becomes once it completes)")
    .option("--wait", "wait until each device runs it (or fails); a rollout: until it ends")
    .option("--timeout <seconds>", "how long --wait waits (default 300; a rollout: 3600)")
    .option("--json", "print the deployments as JSON (a rollout or a group deployment: one object)");
  addRolloutOptions(cmd).action(async (project: string, opts: DeployOptions) => {
    const params = readRolloutFlags(opts);
    const timeoutMs = parsePositiveNumber(opts.timeout ?? (params ? "3600" : "300"), "--timeout") * 1000;
    const { group } = opts;
    if (group !== undefined && (opts.device !== undefined || opts.devices !== undefined)) throw new CliFailure("give either --device <id...> or --group <name>, not both (--devices a,b counts as --device)", 2);
    if (opts.priority !== undefined && group === undefined) throw new CliFailure("--priority goes with --group (the group deployment it makes, or that a rollout over the group becomes once it completes)", 2);
    if (group !== undefined && project === "none") throw new CliFailure("deploy none takes --device (a group deployment deploys a project)", 2);
    if (group !== undefined && !params) return withContext((ctx) => deployGroup(ctx, project, { ...opts, group, timeout: String(timeoutMs / 1000) }, timeoutMs));
    await withContext(async (ctx) => {
      if (params) {
        const { createRollout } = await import("../../server/services/rollouts");
        const targets = group !== undefined ? { group, priority: parsePriority(opts.priority) } : { deviceIds: readDeviceIds(opts) };
        const rollout = createRollout(ctx, { projectId: project, ...targets, params }, "cli");
        if (group !== undefined) {
          // A rollout is over the members it starts with (pinned ones left out); once it completes it
          // becomes the group's deployment, which devices that join later get.
          const skipped = rollout.pinned.length > 0 ? `; pinned, left out: ${rollout.pinned.join(", ")}` : "";
          note(`rollout over the ${rollout.counts.targeted} device(s) in group ${group} now; once it completes it becomes the group's deployment, which devices that join later get${skipped}`);
        }
        const { pinned: _pinned, ...view } = rollout;
        await reportRollout(ctx, view, opts, timeoutMs);
        return;
      }
      const deviceIds = readDeviceIds(opts);
      const { deployProject, removeProject } = await import("../../server/services/deployments");
      const created = project === "none" ? await removeProject(ctx, { deviceIds }, "cli") : await deployProject(ctx, { projectId: project, deviceIds }, "cli");
      await reportDeployments(ctx, created, { ...opts, timeout: String(timeoutMs / 1000) }, timeoutMs);
    });
  });
}
