/**
 * Waiting for a deployment to settle: the device's progress messages on
 * `deployments/{id}` give the live steps; the database (which the broker updates) is polled
 * too, so a progress message missed before the subscription still ends the wait.
 */
import { decodeDeploymentProgress, topics, type DeploymentProgress } from "@edgelens/shared";
import type { ServiceContext } from "../context";
import { getDeploymentView, TERMINAL_STATES, type DeploymentView } from "./deployments";

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  onProgress?: (p: DeploymentProgress) => void;
}

export type WaitOutcome = { settled: true; deployment: DeploymentView; last: DeploymentProgress | null } | { settled: false; deployment: DeploymentView; last: DeploymentProgress | null };

export async function waitForDeployment(ctx: ServiceContext, deploymentId: string, options: WaitOptions): Promise<WaitOutcome> {
  const initial = getDeploymentView(ctx, deploymentId);
  let last: DeploymentProgress | null = null;
  let wake: () => void = () => {};
  const unsubscribe = await ctx.mqtt.subscribe(topics.deployment(initial.deviceId, deploymentId), (_topic, payload) => {
    const decoded = decodeDeploymentProgress(payload);
    if (!decoded.ok || decoded.value.deploymentId !== deploymentId) return;
    last = decoded.value;
    options.onProgress?.(decoded.value);
    wake();
  });
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const current = getDeploymentView(ctx, deploymentId);
      const progress = last as DeploymentProgress | null;
      if (progress && TERMINAL_STATES.has(progress.state)) {
        // The broker may not have written the row yet: report the device's word.
        return { settled: true, deployment: { ...current, state: progress.state, reason: progress.reason ?? current.reason }, last: progress };
      }
      if (TERMINAL_STATES.has(current.state)) return { settled: true, deployment: current, last: progress };
      const left = deadline - Date.now();
      if (left <= 0) return { settled: false, deployment: current, last: progress };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, options.pollMs ?? 500));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await unsubscribe();
  }
}
