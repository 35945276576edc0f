import { Stat } from "@/components/ui/card";
import type { RolloutCounts } from "@/server/services/rollouts";

export function RolloutCountsRow({ counts }: { counts: RolloutCounts }) {
  return (
    <div className="grid grid-cols-3 gap-3 md:grid-cols-6" data-testid="rollout-counts">
      <Stat label="Targeted" value={counts.targeted} />
      <Stat label="Notified" value={counts.notified} tone="sky" />
      <Stat label="Running" value={counts.running} tone="emerald" />
      <Stat label="Failed" value={counts.failed} tone="rose" />
      <Stat label="Rolled back" value={counts.rolledBack} tone="amber" />
      <Stat label="Pending" value={counts.pending} />
    </div>
  );
}
