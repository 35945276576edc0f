import Link from "next/link";
import { DeploymentsTable } from "@/components/deployments/deployments-table";
import { DeviceActions } from "@/components/devices/device-actions";
import { DeviceProjects } from "@/components/devices/device-projects";
import { LogView } from "@/components/live/log-view";
import { ResultFeed } from "@/components/live/result-feed";
import { StreamView } from "@/components/live/stream-view";
import { TelemetryPanel } from "@/components/live/telemetry-panel";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { filters, topics } from "@edgelens/shared/topics";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { deviceProjects, listDeployments } from "@/server/services/deployments";
import { getDevice } from "@/server/services/devices";
import { listProjects } from "@/server/services/projects";
import { loadOrNotFound } from "../../../_shared/load";
import { deployToDeviceAction, deregisterDeviceAction, removeProjectAction, requestStreamAction, restartProjectAction, undeployProjectAction } from "../actions";

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const ctx = await getContext();
  const device = await loadOrNotFound(() => getDevice(ctx, id));
  const history = listDeployments(ctx, { deviceId: id, limit: 20 });
  const isAdmin = user.role === "admin";
  const projects = isAdmin ? listProjects(ctx).map((p) => ({ id: p.id, name: p.name, latestVersion: p.latestVersion })) : [];
  const listed = deviceProjects(ctx, id);
  const running = listed.find((d) => d.state === "running" || d.state === "degraded") ?? null;

  return (
    <>
      <LiveRefresh filters={[topics.status(id), topics.shadowReported(id), filters.allDeployments]} />
      <PageHeader
        breadcrumb={
          <Link href="/devices" className="hover:underline">
            Devices
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-2">
            {device.name}
            <StatusBadge status={device.presence} />
            {device.registration === "awaiting-credentials" ? <StatusBadge status={device.registration} /> : null}
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-4 gap-y-1">
            <span className="font-mono">{device.id}</span>
            <span>agent {device.agentVersion ?? "—"}</span>
            <span>
              last seen <RelativeTime ts={device.lastSeenAt} />
            </span>
          </span>
        }
        actions={
          isAdmin ? (
            <DeviceActions
              deviceId={id}
              projects={projects}
              runningProject={running ? listed.map((d) => d.projectName ?? d.projectId).join(", ") : null}
              actions={{ deploy: deployToDeviceAction, remove: removeProjectAction, restart: restartProjectAction, deregister: deregisterDeviceAction }}
            />
          ) : (
            <ConnectionBadge />
          )
        }
      />

      <div className="grid gap-4 xl:grid-cols-3 [&>*]:min-w-0">
        <Card title="Projects" className="xl:col-span-1">
          <DeviceProjects deviceId={id} rows={listed} undeploy={isAdmin ? undeployProjectAction : null} />
        </Card>
        <Card title="Telemetry" className="xl:col-span-2">
          <TelemetryPanel deviceId={id} initial={device.telemetry} />
        </Card>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2 [&>*]:min-w-0">
        <Card title="Project stream">
          <StreamView deviceId={id} stream="project" title="What the project draws" requestStream={requestStreamAction} autoStart={device.presence === "online" && running !== null} />
        </Card>
        <Card title="Device stream">
          <StreamView deviceId={id} stream="device" title="Camera as captured" requestStream={requestStreamAction} />
        </Card>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2 [&>*]:min-w-0">
        <Card title="Live results">
          <ResultFeed deviceId={id} />
        </Card>
        <Card title="Logs">
          <LogView deviceId={id} />
        </Card>
      </div>

      <h2 className="mb-2 mt-6 text-sm font-semibold text-slate-800">Deployment history</h2>
      {history.length === 0 ? <EmptyState title="No deployments to this device yet" /> : <DeploymentsTable rows={history} showDevice={false} />}
    </>
  );
}
