import Link from "next/link";
import { DeviceTable } from "@/components/devices/device-table";
import { GroupDeployForm } from "@/components/groups/group-deploy-form";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { filters } from "@edgelens/shared/topics";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { groupDetail } from "@/server/services/groups";
import { listProjects } from "@/server/services/projects";
import { loadOrNotFound } from "../../../_shared/load";
import { deployToGroupAction } from "../actions";

/** Members per page: a group of 1000 devices stays a light page (the device list shows 50 too). */
const PAGE = 50;

export default async function GroupPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ page?: string }> }) {
  const { name } = await params;
  const sp = await searchParams;
  const user = await requirePageUser();
  const ctx = await getContext();
  const page = Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1);
  const detail = await loadOrNotFound(() => groupDetail(ctx, decodeURIComponent(name), { limit: PAGE, offset: (page - 1) * PAGE }));
  const { group, devices, deployments, total } = detail;
  const href = (p: number) => `/groups/${encodeURIComponent(group.name)}${p > 1 ? `?page=${p}` : ""}`;
  const current = deployments[0];
  const projects = user.role === "admin" ? listProjects(ctx).map((p) => ({ id: p.id, name: p.name, latestVersion: p.latestVersion })) : [];
  return (
    <>
      <LiveRefresh filters={[filters.allOf("status"), filters.allDeployments]} minIntervalMs={1500} />
      <PageHeader
        breadcrumb={
          <Link href="/groups" className="hover:underline">
            Groups
          </Link>
        }
        title={group.name}
        description={<span className="font-mono">{group.query ?? "static list of devices"}</span>}
      />
      <Alert tone="info" className="mb-4">
        {current ? `Current deployment: ${current.projectName} v${current.projectVersion}, priority ${current.priority}. ` : "No deployment yet. "}
        Devices that join the group get its current deployment by themselves; a device that leaves keeps what it runs until told otherwise. Pinned devices are skipped.
      </Alert>
      {projects.length > 0 ? (
        <div className="mb-4">
          <Card title="Deploy to this group">
            <GroupDeployForm group={group.name} projects={projects} action={deployToGroupAction} />
          </Card>
        </div>
      ) : null}
      <h2 className="mb-2 text-sm font-semibold text-slate-800" data-testid="group-members" data-count={total}>
        Members ({total})
      </h2>
      {total === 0 ? <EmptyState title="No device is in this group now" /> : <DeviceTable rows={devices} />}
      {total > PAGE ? (
        <p className="mt-2 text-xs text-slate-500" data-testid="group-members-range">
          {devices.length === 0 ? `No page ${page}.` : `${(page - 1) * PAGE + 1}-${(page - 1) * PAGE + devices.length} of ${total}`}
          {page > 1 ? (
            <Link className="ml-3 text-sky-700 hover:underline" href={href(page - 1)}>
              previous
            </Link>
          ) : null}
          {page * PAGE < total ? (
            <Link className="ml-3 text-sky-700 hover:underline" href={href(page + 1)}>
              next
            </Link>
          ) : null}
        </p>
      ) : null}
      <h2 className="mb-2 mt-6 text-sm font-semibold text-slate-800">Deployments</h2>
      {deployments.length === 0 ? (
        <EmptyState title="Nothing deployed to this group yet" />
      ) : (
        <ul className="space-y-1 text-sm" data-testid="group-deployments">
          {deployments.map((d, i) => (
            <li key={d.id}>
              <span className="font-mono text-xs">{d.id}</span> {d.projectName} v{d.projectVersion}, priority {d.priority}
              {i === 0 ? " (current)" : ""} — <RelativeTime ts={d.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
