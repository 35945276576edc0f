/** `deploy <project> --group <name>`: one continuous group deployment, printed as one JSON object with --json. */
import type { ServiceContext } from "../../server/context";
import { CliFailure, note, printJson, printLine } from "../runtime";

export interface GroupDeployOptions {
  group: string;
  priority?: string;
  wait?: boolean;
  json?: boolean;
  timeout: string;
}

export function parsePriority(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1000 || n > 1000) throw new CliFailure(`--priority: expected an integer from -1000 to 1000, got "${value}"`, 2);
  return n;
}

export async function deployGroup(ctx: ServiceContext, project: string, opts: GroupDeployOptions, timeoutMs: number): Promise<void> {
  const { deployToGroup } = await import("../../server/services/group-deployments");
  const out = await deployToGroup(ctx, opts.group, { projectId: project, priority: parsePriority(opts.priority) }, "cli");
  let deployments = out.deployments;
  if (opts.wait) {
    const { waitForDeployment } = await import("../../server/services/deployment-wait");
    const outcomes = await Promise.all(deployments.map((d) => waitForDeployment(ctx, d.id, { timeoutMs, onProgress: (p) => note(`${d.deviceId}: ${p.state}${p.reason ? ` (${p.reason})` : ""}`) })));
    deployments = outcomes.map((o) => o.deployment);
  }
  const g = out.groupDeployment;
  if (opts.json) printJson({ ...g, deployments, skipped: out.skipped });
  else {
    printLine(`group deployment ${g.id}: ${g.projectName} v${g.projectVersion} to group ${g.groupName} (priority ${g.priority}); ${deployments.length} device(s) now, members that join later get it too`);
    for (const d of deployments) printLine(`device ${d.deviceId}: ${d.state}${d.reason ? ` (${d.reason})` : ""}, deployment ${d.id}`);
    for (const s of out.skipped) printLine(`device ${s.deviceId}: skipped (${s.reason})`);
  }
  const bad = deployments.filter((d) => d.state === "failed" || d.state === "rolled-back");
  if (bad.length > 0) throw new CliFailure(`deployment failed on ${bad.map((d) => `${d.deviceId}: ${d.reason ?? d.state}`).join("; ")}`);
  const late = deployments.filter((d) => opts.wait && !["running", "degraded", "removed"].includes(d.state));
  if (late.length > 0) throw new CliFailure(`timed out after ${opts.timeout}s waiting for ${late.map((d) => `${d.deviceId} (still ${d.state})`).join(", ")}`);
}
