import type { Command } from "commander";
import type { DeploymentView } from "../../server/services/deployments";
import { CliFailure, note, parsePositiveNumber, printJson, printLine, withContext } from "../runtime";

interface DeployOptions {
  device: string[];
  wait?: boolean;
  timeout: string;
  json?: boolean;
}

function describe(d: DeploymentView): string {
  const what = d.projectId ? `${d.projectName ?? d.projectId} v${d.projectVersion}` : "no project";
  return `device ${d.deviceId}: ${d.state}${d.reason ? ` (${d.reason})` : ""} — ${what}, deployment ${d.id}`;
}

/** One wording for a failure, whether it was failed when read back or while waiting. */
function failure(failed: DeploymentView[]): CliFailure {
  return new CliFailure(`deployment failed on ${failed.map((d) => `${d.deviceId}: ${d.reason ?? d.state}`).join("; ")}`);
}

export function deployCommand(program: Command): void {
  program
    .command("deploy <project>")
    .description("deploy a project (id or name; `none` removes what runs) to devices; with --wait, exit 0 once running, 1 on failure")
    .requiredOption("--device <id...>", "device id(s)")
    .option("--wait", "wait until each device runs it (or fails)")
    .option("--timeout <seconds>", "how long --wait waits", "300")
    .option("--json", "print the deployments as JSON")
    .action(async (project: string, opts: DeployOptions) => {
      const timeoutMs = parsePositiveNumber(opts.timeout, "--timeout") * 1000;
      await withContext(async (ctx) => {
        const { deployProject, removeProject } = await import("../../server/services/deployments");
        const { waitForDeployment } = await import("../../server/services/deployment-wait");
        const created = project === "none" ? await removeProject(ctx, { deviceIds: opts.device }, "cli") : await deployProject(ctx, { projectId: project, deviceIds: opts.device }, "cli");
        const failedNow = created.filter((d) => d.state === "failed");
        if (!opts.wait || failedNow.length > 0) {
          if (opts.json) printJson(created);
          else created.forEach((d) => printLine(describe(d)));
          // Failed already: the console could not publish (waiting would need the broker too), or a
          // quick device reported failure before the view was read back.
          if (failedNow.length > 0) throw failure(failedNow);
          return;
        }
        const outcomes = await Promise.all(
          created.map((d) =>
            waitForDeployment(ctx, d.id, {
              timeoutMs,
              onProgress: (p) => note(`${d.deviceId}: ${p.state}${p.pct !== undefined ? ` ${Math.round(p.pct)}%` : ""}${p.reason ? ` (${p.reason})` : ""}`),
            }),
          ),
        );
        const final = outcomes.map((o) => o.deployment);
        if (opts.json) printJson(final);
        else final.forEach((d) => printLine(describe(d)));
        const late = outcomes.filter((o) => !o.settled).map((o) => o.deployment);
        const bad = final.filter((d) => d.state === "failed" || d.state === "rolled-back");
        if (bad.length > 0) throw failure(bad);
        if (late.length > 0) throw new CliFailure(`timed out after ${opts.timeout}s waiting for ${late.map((d) => `${d.deviceId} (still ${d.state})`).join(", ")}`);
      });
    });
}
