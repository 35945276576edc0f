/**
 * Why a device runs what it runs (docs/design.md "Device groups"): its pin, its groups with their
 * current deployments in the order they rank, the group deployment it follows, in one sentence.
 */
import { eq } from "drizzle-orm";
import { groupDeployments } from "@edgelens/db";
import type { ServiceContext } from "../context";
import { getDevice } from "./devices";
import { appliedGroupDeployment, groupDeploymentView, rankedGroupDeployments, type GroupDeploymentView } from "./group-deployments";
import { groupsOfDevice } from "./group-members";

export interface DeviceAssignment {
  pinned: boolean;
  /** The device's groups, the winner first; `current` is each group's deployment now. */
  groups: { name: string; current: GroupDeploymentView | null }[];
  /** The group deployment the device follows (its newest from any group), if any. */
  follows: GroupDeploymentView | null;
  /** One sentence for people. */
  reason: string;
}

function describe(g: GroupDeploymentView): string {
  return `${g.projectName} v${g.projectVersion} from group ${g.groupName} (priority ${g.priority})`;
}

export function explainAssignment(ctx: ServiceContext, deviceId: string): DeviceAssignment {
  const device = getDevice(ctx, deviceId);
  const groups = rankedGroupDeployments(ctx, deviceId).map((r) => ({ name: r.group, current: r.current ? groupDeploymentView(ctx, r.current) : null }));
  const applied = appliedGroupDeployment(ctx, deviceId);
  const followedRow = applied?.groupDeploymentId ? ctx.db.select().from(groupDeployments).where(eq(groupDeployments.id, applied.groupDeploymentId)).get() : undefined;
  const follows = followedRow ? groupDeploymentView(ctx, followedRow) : null;
  const winner = groups[0]?.current ?? null;
  const others = groups.slice(1).filter((g) => g.current && g.current.projectId !== winner?.projectId);
  let reason: string;
  if (device.pin) {
    reason = device.pin.projectId ? `pinned to ${device.deployment?.projectName ?? device.pin.projectId} v${device.pin.version}: group deployments skip it` : "pinned: group deployments skip it; it keeps what it runs";
  } else if (winner && follows?.id === winner.id) {
    reason = `runs ${describe(winner)}`;
    if (others.length > 0) reason += `, which outranks ${others.map((g) => `group ${g.name} (priority ${g.current?.priority})`).join(", ")}: higher priority wins, then the newer`;
  } else if (follows && !groupsOfDevice(ctx, deviceId).some((g) => g.id === follows.groupId)) {
    reason = `left group ${follows.groupName}; keeps ${follows.projectName} v${follows.projectVersion} until told otherwise`;
  } else if (follows) {
    reason = `follows ${describe(follows)}`;
  } else if (groups.length > 0) {
    reason = "in groups with no deployment yet; runs what was deployed to it directly";
  } else {
    reason = "in no group; runs what was deployed to it directly";
  }
  return { pinned: device.pin !== null, groups, follows, reason };
}
