/**
 * Pinning (docs/design.md "Device groups"): a pinned device is skipped by group deployments (a
 * canary, a broken camera). Pinned to `project@version`, it gets that version now, deployed to it
 * directly; pinned bare, it keeps what it runs. Unpinned, it follows its groups again at once.
 */
import { eq } from "drizzle-orm";
import { devices } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { deployProject, type DeploymentView } from "./deployments";
import { getDevice, type DeviceView } from "./devices";
import { getProject, getProjectVersion } from "./projects";
import { applyGroupDeployments, type GroupApplyOutcome } from "./group-deployments";

export interface PinTarget {
  project: string;
  version?: number;
}

/** `project@version` or `project` (its latest version). */
export function parsePinTarget(text: string): PinTarget {
  const at = text.lastIndexOf("@");
  if (at < 0) return { project: text };
  const version = Number(text.slice(at + 1));
  if (at === 0 || !Number.isInteger(version) || version < 1) {
    throw new EdgelensError("INVALID_PAYLOAD", `pin ${JSON.stringify(text)}: write <project>@<version> with a version from 1`, { pin: text });
  }
  return { project: text.slice(0, at), version };
}

export async function pinDevice(ctx: ServiceContext, deviceId: string, target?: PinTarget, actor?: string): Promise<{ device: DeviceView; deployments: DeploymentView[] }> {
  getDevice(ctx, deviceId);
  if (target) {
    // Checked before anything changes: a bad pin leaves the device as it was.
    const project = getProject(ctx, target.project);
    getProjectVersion(ctx, project.id, target.version ?? project.latestVersion);
  }
  // Pinned first: a group deployment arriving meanwhile must not overtake the pin's own.
  ctx.db.update(devices).set({ pinnedAt: Date.now(), pinnedProjectId: null, pinnedVersion: null }).where(eq(devices.id, deviceId)).run();
  let created: DeploymentView[] = [];
  if (target) {
    created = await deployProject(ctx, { projectId: target.project, deviceIds: [deviceId], ...(target.version ? { version: target.version } : {}) }, actor);
    const d = created[0];
    ctx.db.update(devices).set({ pinnedProjectId: d?.projectId ?? null, pinnedVersion: d?.projectVersion ?? null }).where(eq(devices.id, deviceId)).run();
  }
  return { device: getDevice(ctx, deviceId), deployments: created };
}

/** Unpinned, the device gets its groups' winning deployment (if it does not run it already). */
export async function unpinDevice(ctx: ServiceContext, deviceId: string, actor?: string): Promise<GroupApplyOutcome & { device: DeviceView }> {
  getDevice(ctx, deviceId);
  ctx.db.update(devices).set({ pinnedAt: null, pinnedProjectId: null, pinnedVersion: null }).where(eq(devices.id, deviceId)).run();
  const outcome = await applyGroupDeployments(ctx, [deviceId], actor);
  return { ...outcome, device: getDevice(ctx, deviceId) };
}
