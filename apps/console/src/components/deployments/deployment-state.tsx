import { StatusBadge } from "../ui/status-badge";

/** A deployment's state with its progress or reason folded into the label. */
export function DeploymentStateBadge({ state, pct }: { state: string; pct: number | null }) {
  const label = state === "downloading" && pct != null ? `downloading ${Math.round(pct)}%` : undefined;
  return <StatusBadge status={state} label={label} />;
}
