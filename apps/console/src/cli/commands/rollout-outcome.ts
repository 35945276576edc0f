import type { ServiceContext } from "../../server/context";
import type { RolloutView } from "../../server/services/rollouts";
import { CliFailure, note, printJson, printLine } from "../runtime";

export function describeRollout(r: Pick<RolloutView, "id" | "state" | "counts" | "abortReason">): string {
  const c = r.counts;
  const counts = `targeted ${c.targeted}, notified ${c.notified}, running ${c.running}, failed ${c.failed}, rolled back ${c.rolledBack}, pending ${c.pending}`;
  return `rollout ${r.id}: ${r.state} — ${counts}${r.abortReason ? ` (aborted: ${r.abortReason})` : ""}`;
}

const POLL_MS = 500;

/**
 * Prints the rollout; with --wait, drives it from here (unless a console already does: the lease
 * decides), prints each change of its counts on stderr, and ends once it ended and no device is
 * under way: exit 0 when completed without failure, 1 otherwise or on the timeout.
 */
export async function reportRollout(ctx: ServiceContext, created: RolloutView, opts: { wait?: boolean; json?: boolean }, timeoutMs: number): Promise<void> {
  if (!opts.wait) {
    if (opts.json) printJson(created);
    else printLine(describeRollout(created));
    return;
  }
  const { startRolloutEngine, newDriverId } = await import("../../server/services/rollout-driver");
  const { getRollout } = await import("../../server/services/rollouts");
  const engine = startRolloutEngine(ctx, { only: created.id, owner: newDriverId("cli"), intervalMs: POLL_MS });
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let final = created;
  try {
    for (;;) {
      final = getRollout(ctx, created.id);
      const line = describeRollout(final);
      if (line !== last) note(line);
      last = line;
      const inFlight = final.counts.notified - final.counts.running - final.counts.failed;
      if (!["rolling", "paused"].includes(final.state) && inFlight === 0) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await engine.stop();
  }
  if (opts.json) printJson(final);
  else printLine(describeRollout(final));
  if (final.state === "rolling" || final.state === "paused") throw new CliFailure(`timed out after ${timeoutMs / 1000}s: ${describeRollout(final)}`);
  if (final.state !== "completed" || final.counts.failed > 0) throw new CliFailure(describeRollout(final));
}
