import Link from "next/link";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { filters } from "@edgelens/shared/topics";
import { getContext } from "@/server/get-context";
import { listRollouts } from "@/server/services/rollouts";

export default async function RolloutsPage() {
  const rows = listRollouts(await getContext(), 100);
  return (
    <>
      {/* Counts change on the engine's tick too, not only on device messages. */}
      <LiveRefresh filters={[filters.allDeployments]} minIntervalMs={2000} everyMs={rows.some((r) => r.state === "rolling") ? 3000 : undefined} />
      <PageHeader title="Rollouts" description="Staged rollouts: batch by batch, stopping by themselves when devices fail (edgelens deploy … --batch N)." />
      {rows.length === 0 ? (
        <EmptyState title="No rollouts yet">Start one with edgelens deploy &lt;project&gt; --group &lt;name&gt; --batch 1 (or --devices a,b,…).</EmptyState>
      ) : (
        <Table label="Rollouts">
          <thead>
            <tr>
              <Th>Rollout</Th>
              <Th>Project</Th>
              <Th>State</Th>
              <Th>Running / targeted</Th>
              <Th>Failed</Th>
              <Th>Started</Th>
            </tr>
          </thead>
          <TBody>
            {rows.map((r) => (
              <tr key={r.id}>
                <Td className="font-mono">
                  <Link className="text-sky-700 hover:underline" href={`/rollouts/${r.id}`}>
                    {r.id}
                  </Link>
                </Td>
                <Td>
                  {r.projectName ?? r.projectId} v{r.projectVersion}
                </Td>
                <Td>
                  <StatusBadge status={r.state} />
                </Td>
                <Td>
                  {r.counts.running} / {r.counts.targeted}
                </Td>
                <Td>{r.counts.failed}</Td>
                <Td>
                  <RelativeTime ts={r.createdAt} />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
