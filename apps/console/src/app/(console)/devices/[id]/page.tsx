import Link from "next/link";
import { DeploymentsTable } from "@/components/deployments/deployments-table";
import { ClipPlayer } from "@/components/events/clip-player";
import { DeviceActions } from "@/components/devices/device-actions";
import { DeviceCameras } from "@/components/devices/device-cameras";
import { DeviceFleetCard } from "@/components/devices/device-fleet-card";
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
import { listCameras } from "@/server/services/cameras";
import { deviceProjects, listDeployments } from "@/server/services/deployments";
import { listDeviceClips } from "@/server/services/clips";
import { getDevice } from "@/server/services/devices";
import { listProjects } from "@/server/services/projects";
import { loadOrNotFound } from "../../../_shared/load";
import { pinDeviceAction, tagDevicesAction, unpinDeviceAction } from "../fleet-actions";
import { explainAssignment } from "@/server/services/device-assignment";
import { addCameraAction, deployToDeviceAction, deregisterDeviceAction, removeCameraAction, removeProjectAction, requestStreamAction, restartProjectAction, undeployProjectAction } from "../actions";

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser();
  const ctx = await getContext();
  const device = await loadOrNotFound(() => getDevice(ctx, id));
  const history = listDeployments(ctx, { deviceId: id, limit: 20 });
  const isAdmin = user.role === "admin";
  const projects = isAdmin ? listProjects(ctx).map((p) => ({ id: p.id, name: p.name, latestVersion: p.latestVersion })) : [];
  const listed = deviceProjects(ctx, id);
  const cameras = listCameras(ctx, id).map((c) => ({ name: c.name, uri: c.uri }));
  const clips = listDeviceClips(ctx, id, 6);
  const assignment = explainAssignment(ctx, id);
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

      <div className="mt-4">
        <DeviceFleetCard deviceId={id} tags={device.tags} assignment={assignment} actions={isAdmin ? { tag: tagDevicesAction, pin: pinDeviceAction, unpin: unpinDeviceAction } : null} />
      </div>

      <div className="mt-4 grid gap-4 [&>*]:min-w-0">
        <Card title="Cameras">
          <DeviceCameras deviceId={id} cameras={cameras} actions={isAdmin ? { add: addCameraAction, remove: removeCameraAction } : null} />
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

      {clips.length > 0 ? (
        <>
          <h2 className="mb-2 mt-6 text-sm font-semibold text-slate-800">Clips around events</h2>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="device-clips">
            {clips.map((c) => (
              <figure key={c.clipId} className="rounded border border-slate-200 bg-white p-2">
                <ClipPlayer clip={c} />
                <figcaption className="mt-1 text-xs text-slate-500">
                  {c.eventId ? <Link href={`/events?deviceId=${encodeURIComponent(id)}`} className="text-sky-700 hover:underline">event {c.eventId}</Link> : c.clipId}
                  {c.projectId ? ` · ${c.projectId}` : ""} · <RelativeTime ts={c.at} />
                </figcaption>
              </figure>
            ))}
          </div>
        </>
      ) : null}

      <h2 className="mb-2 mt-6 text-sm font-semibold text-slate-800">Deployment history</h2>
      {history.length === 0 ? <EmptyState title="No deployments to this device yet" /> : <DeploymentsTable rows={history} showDevice={false} current={new Set(listed.map((d) => d.id))} />}
    </>
  );
}
