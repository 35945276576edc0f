import Link from "next/link";
import { DeploymentTimeline } from "@/components/deployments/deployment-timeline";
import { DeploymentStateBadge } from "@/components/deployments/deployment-state";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { topics } from "@edgelens/shared/topics";
import { getContext } from "@/server/get-context";
import { getDeployment } from "@/server/services/deployments";
import { loadOrNotFound } from "../../../_shared/load";

const FINAL = new Set(["running", "degraded", "failed", "rolled-back", "removed"]);

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const d = await loadOrNotFound(async () => getDeployment(await getContext(), id));

  return (
    <>
      <LiveRefresh filters={[topics.deployment(d.deviceId, d.id), topics.shadowReported(d.deviceId)]} minIntervalMs={500} />
      <PageHeader
        breadcrumb={
          <Link href="/deployments" className="hover:underline">
            Deployments
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            {d.kind === "remove-all" ? "Remove all projects" : d.kind === "undeploy" ? `Undeploy ${d.projectName ?? d.projectId}` : `${d.projectName ?? d.projectId} v${d.projectVersion}`}
            <span className="text-slate-400">→</span>
            {d.deviceId}
          </span>
        }
        description={<span className="font-mono">{d.id}</span>}
        actions={
          <>
            {FINAL.has(d.state) ? null : <ConnectionBadge />}
            <span data-testid="deployment-state" data-state={d.state}>
              <DeploymentStateBadge state={d.state} pct={d.pct} />
            </span>
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-3 [&>*]:min-w-0">
        <Card title="Timeline" className="lg:col-span-2">
          <DeploymentTimeline events={d.events} state={d.state} reason={d.reason} />
        </Card>
        <div className="space-y-4">
          <Card title="Details">
            <dl className="space-y-2 text-sm">
              {[
                ["Device", <Link key="d" className="text-sky-700 hover:underline" href={`/devices/${d.deviceId}`}>{d.deviceId}</Link>],
                ["Project", d.projectId ? <Link key="p" className="text-sky-700 hover:underline" href={`/projects/${d.projectId}`}>{d.projectName ?? d.projectId}{d.projectVersion !== null ? ` v${d.projectVersion}` : " (undeploy)"}</Link> : "none (removal)"],
                ["Started", <RelativeTime key="s" ts={d.createdAt} />],
                ["Updated", <RelativeTime key="u" ts={d.updatedAt} fallback="—" />],
                ["By", d.createdBy ?? "—"],
              ].map(([k, v]) => (
                <div key={String(k)} className="flex justify-between gap-3">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="text-right text-slate-800">{v}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title="Desired state">
            {d.desired ? (
              <pre className="max-h-96 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-600">{JSON.stringify(d.desired, null, 2)}</pre>
            ) : (
              <p className="text-sm text-slate-500">Not available.</p>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
