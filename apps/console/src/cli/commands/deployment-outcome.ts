import type { ServiceContext } from "../../server/context";
import type { DeploymentView } from "../../server/services/deployments";
import { CliFailure, note, printJson, printLine } from "../runtime";

export interface OutcomeOptions {
  wait?: boolean;
  timeout: string;
  json?: boolean;
}

function describe(d: DeploymentView): string {
  const name = d.projectName ?? d.projectId;
  const what = d.kind === "remove-all" ? "no project" : d.kind === "undeploy" ? `undeploy ${name}` : `${name} v${d.projectVersion}`;
  return `device ${d.deviceId}: ${d.state}${d.reason ? ` (${d.reason})` : ""} — ${what}, deployment ${d.id}`;
}

/** One wording for a failure, whether it was failed when read back or while waiting. */
function failure(failed: DeploymentView[]): CliFailure {
  return new CliFailure(`deployment failed on ${failed.map((d) => `${d.deviceId}: ${d.reason ?? d.state}`).join("; ")}`);
}

/**
 * Prints the deployments `deploy`/`undeploy` created; with --wait, follows each until it settles:
 * exit 0 once all are running (or removed), 1 on a failure or the timeout.
 */
export async function reportDeployments(ctx: ServiceContext, created: DeploymentView[], opts: OutcomeOptions, timeoutMs: number): Promise<void> {
  const failedNow = created.filter((d) => d.state === "failed");
  if (!opts.wait || failedNow.length > 0) {
    if (opts.json) printJson(created);
    else created.forEach((d) => printLine(describe(d)));
    // Failed already: the console could not publish (waiting would need the broker too), or a
    // quick device reported failure before the view was read back.
    if (failedNow.length > 0) throw failure(failedNow);
    return;
  }
  const { waitForDeployment } = await import("../../server/services/deployment-wait");
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
}
