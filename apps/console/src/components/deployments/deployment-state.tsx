import { StatusBadge, statusTone } from "../ui/status-badge";

/** States in which a deployment's project runs (frames flow, maybe failing on some). */
export const LIVE_STATES: ReadonlySet<string> = new Set(["running", "degraded"]);

/** A deployment's state with its progress or reason folded into the label. */
export function DeploymentStateBadge({ state, pct }: { state: string; pct: number | null }) {
  const label = state === "downloading" && pct != null ? `downloading ${Math.round(pct)}%` : undefined;
  return <StatusBadge status={state} label={label} />;
}

/**
 * How a deployment's reason reads: in the colour of its state, so that "soak passed: …" on a
 * running one or "replaced by a group deployment of higher priority" on a removed one is not
 * dressed as an error.
 */
export function reasonClasses(state: string): { text: string; box: string } {
  const tone = statusTone(state);
  if (tone === "red") return { text: "text-rose-700", box: "bg-rose-50 text-rose-700" };
  if (tone === "amber") return { text: "text-amber-800", box: "bg-amber-50 text-amber-800" };
  return { text: "text-slate-500", box: "bg-slate-50 text-slate-600" };
}
