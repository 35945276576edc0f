import Link from "next/link";
import { DeploymentsTable } from "@/components/deployments/deployments-table";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { joinClasses } from "@/components/ui/class-names";
import { filters } from "@edgelens/shared/topics";
import { DeploymentStateSchema, type DeploymentState } from "@edgelens/shared/schemas";
import { getContext } from "@/server/get-context";
import { listDeployments } from "@/server/services/deployments";

const STATE_FILTERS: Array<{ label: string; state?: DeploymentState }> = [
  { label: "All" },
  { label: "Running", state: "running" },
  { label: "Queued", state: "queued" },
  { label: "Downloading", state: "downloading" },
  { label: "Failed", state: "failed" },
  { label: "Rolled back", state: "rolled-back" },
  { label: "Degraded", state: "degraded" },
];

export default async function DeploymentsPage({ searchParams }: { searchParams: Promise<{ state?: string; deviceId?: string; projectId?: string }> }) {
  const sp = await searchParams;
  const state = DeploymentStateSchema.safeParse(sp.state).data;
  const rows = listDeployments(await getContext(), {
    limit: 200,
    ...(state ? { state } : {}),
    ...(sp.deviceId ? { deviceId: sp.deviceId } : {}),
    ...(sp.projectId ? { projectId: sp.projectId } : {}),
  });
  const keep = (s?: DeploymentState) => {
    const q = new URLSearchParams();
    if (s) q.set("state", s);
    if (sp.deviceId) q.set("deviceId", sp.deviceId);
    if (sp.projectId) q.set("projectId", sp.projectId);
    const text = q.toString();
    return text ? `/deployments?${text}` : "/deployments";
  };

  return (
    <>
      <LiveRefresh filters={[filters.allDeployments]} />
      <PageHeader title="Deployments" description="Every project push to a device, with the state its agent reports." actions={<ConnectionBadge />} />
      <div className="mb-4 flex flex-wrap items-center gap-1.5" role="navigation" aria-label="Filter by state">
        {STATE_FILTERS.map((f) => (
          <Link
            key={f.label}
            href={keep(f.state)}
            className={joinClasses("rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset", state === f.state ? "bg-sky-600 text-white ring-sky-600" : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50")}
          >
            {f.label}
          </Link>
        ))}
        {sp.deviceId || sp.projectId ? (
          <Link href={keep(state)} className="ml-2 text-xs text-slate-500 hover:underline">
            {sp.deviceId ? `device ${sp.deviceId}` : ""} {sp.projectId ? `project ${sp.projectId}` : ""} ✕
          </Link>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <EmptyState title={state ? `No ${state} deployments` : "No deployments yet"}>Deploy a project from its page or from a device page.</EmptyState>
      ) : (
        <DeploymentsTable rows={rows} />
      )}
    </>
  );
}
