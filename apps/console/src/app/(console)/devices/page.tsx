import Link from "next/link";
import { DeploymentStateBadge } from "@/components/deployments/deployment-state";
import { AutoRefresh } from "@/components/live/auto-refresh";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { filters } from "@edgelens/shared/topics";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/context";
import { listDevices } from "@/server/services/devices";

export default async function DevicesPage() {
  const user = await requirePageUser();
  const devices = listDevices(await getContext());
  const isAdmin = user.role === "admin";

  return (
    <>
      <LiveRefresh filters={[filters.allOf("status"), filters.allOf("shadow/reported"), filters.allDeployments]} minIntervalMs={1500} />
      <AutoRefresh intervalMs={15_000} />
      <PageHeader
        title="Devices"
        description="Camera boxes running the Edgelens agent."
        actions={
          <>
            <ConnectionBadge />
            {isAdmin ? <LinkButton href="/devices/new">Register device</LinkButton> : null}
          </>
        }
      />
      {devices.length === 0 ? (
        <EmptyState title="No devices yet" action={isAdmin ? <LinkButton href="/devices/new">Register your first device</LinkButton> : undefined}>
          Register a device to get its credentials file, then start the agent with it.
        </EmptyState>
      ) : (
        <Table label="Devices">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Presence</Th>
              <Th>Project</Th>
              <Th className="text-right">FPS</Th>
              <Th>Last seen</Th>
            </tr>
          </thead>
          <TBody>
            {devices.map((d) => (
              <tr key={d.id} className="hover:bg-slate-50" data-testid={`device-row-${d.id}`}>
                <Td>
                  <Link href={`/devices/${d.id}`} className="font-medium text-sky-700 hover:underline">
                    {d.name}
                  </Link>
                  <div className="font-mono text-xs text-slate-400">{d.id}</div>
                </Td>
                <Td>
                  <div className="flex flex-wrap gap-1">
                    <StatusBadge status={d.presence} />
                    {d.registration === "awaiting-credentials" ? <StatusBadge status={d.registration} /> : null}
                  </div>
                </Td>
                <Td>
                  {d.deployment?.projectName ? (
                    <Link href={`/projects/${d.deployment.projectId}`} className="hover:underline">
                      {d.deployment.projectName}
                      <span className="text-slate-400"> v{d.deployment.projectVersion}</span>
                    </Link>
                  ) : (
                    <span className="text-slate-400">none</span>
                  )}
                  {d.latestDeployment && d.latestDeployment.id !== d.deployment?.id ? (
                    <Link href={`/deployments/${d.latestDeployment.id}`} className="ml-2 inline-flex align-middle" title="latest deployment">
                      <DeploymentStateBadge state={d.latestDeployment.state} pct={d.latestDeployment.pct} />
                    </Link>
                  ) : null}
                </Td>
                <Td className="text-right tabular-nums">{d.presence === "online" && d.fps != null ? d.fps.toFixed(1) : "—"}</Td>
                <Td className="text-slate-500">
                  <RelativeTime ts={d.lastSeenAt} />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
