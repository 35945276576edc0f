import { and, eq } from "drizzle-orm";
import { deploymentEvents, deployments, devices, type EdgelensDb } from "@edgelens/db";
import type { DeploymentProgress } from "@edgelens/shared";

/**
 * `deployments/{id}` progress from a device: the deployment row's state/pct/reason, one
 * deployment_events row per step, and devices.current_deployment_id when it runs (cleared when
 * a removal completes). Only the device a deployment targets can move it.
 */
export type ProgressOutcome = "applied" | "unknown-deployment";

type Tx = Parameters<Parameters<EdgelensDb["transaction"]>[0]>[0];

/**
 * `rolled-back` follows `failed` and only says what keeps running; the row keeps the failure's
 * reason in front of it so a deployment list shows why it failed, not just that it did.
 */
function rowReason(tx: Tx, deviceId: string, progress: DeploymentProgress): string | null {
  const reason = progress.reason ?? null;
  if (progress.state !== "rolled-back") return reason;
  const prior = tx
    .select({ state: deployments.state, reason: deployments.reason })
    .from(deployments)
    .where(and(eq(deployments.id, progress.deploymentId), eq(deployments.deviceId, deviceId)))
    .get();
  if (prior?.state !== "failed" || !prior.reason) return reason;
  return reason ? `${prior.reason}; rolled back: ${reason}` : prior.reason;
}

export function applyDeploymentProgress(db: EdgelensDb, deviceId: string, progress: DeploymentProgress, now: number): ProgressOutcome {
  return db.transaction((tx) => {
    const pct = progress.pct === undefined ? null : Math.round(progress.pct);
    const reason = rowReason(tx, deviceId, progress);
    const changed = tx
      .update(deployments)
      .set({ state: progress.state, pct, reason, updatedAt: now, ...(progress.soak ? { soak: progress.soak.state } : {}) })
      .where(and(eq(deployments.id, progress.deploymentId), eq(deployments.deviceId, deviceId)))
      .run().changes;
    if (changed === 0) return "unknown-deployment";
    tx.insert(deploymentEvents).values({ deploymentId: progress.deploymentId, state: progress.state, pct, reason: progress.reason ?? null, ts: progress.ts }).run();
    if (progress.state === "running") {
      tx.update(devices).set({ currentDeploymentId: progress.deploymentId }).where(eq(devices.id, deviceId)).run();
    } else if (progress.state === "removed") {
      tx.update(devices).set({ currentDeploymentId: null }).where(eq(devices.id, deviceId)).run();
    }
    return "applied";
  });
}
