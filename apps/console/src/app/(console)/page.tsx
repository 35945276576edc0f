import Link from "next/link";
import { TimeChart } from "@/components/charts/time-chart";
import { GetStarted } from "@/components/dashboard/get-started";
import { AutoRefresh } from "@/components/live/auto-refresh";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { Card, Stat } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { filters } from "@edgelens/shared/topics";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { getDashboardStats } from "@/server/services/dashboard";
import { listDeployments } from "@/server/services/deployments";
import { listEvents } from "@/server/services/events";
import { getOnboarding } from "@/server/services/onboarding";

export default async function DashboardPage() {
  const [ctx, user] = await Promise.all([getContext(), requirePageUser()]);
  const stats = getDashboardStats(ctx);
  const onboarding = user.role === "admin" ? getOnboarding(ctx) : null;
  const recent = listDeployments(ctx, { limit: 6 });
  const { events } = listEvents(ctx, { limit: 8 });
  const results = stats.perMinute.map((m) => ({ t: m.minute, v: m.results }));
  const people = stats.perMinute.map((m) => ({ t: m.minute, v: m.people }));
  const now = Date.now();

  return (
    <>
      <AutoRefresh intervalMs={10_000} />
      <LiveRefresh filters={[filters.allOf("status"), filters.allDeployments]} minIntervalMs={2000} />
      <PageHeader title="Dashboard" description="Your fleet at a glance." actions={<ConnectionBadge />} />

      {onboarding && !onboarding.done ? <GetStarted onboarding={onboarding} /> : null}

      <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="dashboard-stats">
        <Stat label="Devices online" value={stats.devices.online} tone="emerald" hint={`of ${stats.devices.total} registered`} />
        <Stat label="Devices offline" value={stats.devices.offline} tone={stats.devices.offline > 0 ? "amber" : "slate"} hint={stats.devices.awaiting > 0 ? `${stats.devices.awaiting} awaiting credentials` : "all accounted for"} />
        <Stat label="Deploying" value={stats.deployments.inProgress} tone="sky" hint={`${stats.deployments.running} running`} />
        <Stat label="Failed (24 h)" value={stats.deployments.failed24h} tone={stats.deployments.failed24h > 0 ? "rose" : "slate"} hint="deployments" />
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2 [&>*]:min-w-0">
        <Card title="Results per minute" actions={<span className="text-xs text-slate-400">last 60 min</span>}>
          <TimeChart label="Inference results per minute" series={[{ name: "results", color: "#0284c7", points: results }]} bars from={now - 60 * 60_000} to={now} />
        </Card>
        <Card title="People counted" actions={<span className="text-xs text-slate-400">highest count per minute</span>}>
          <TimeChart label="People counted per minute" series={[{ name: "people", color: "#7c3aed", points: people }]} from={now - 60 * 60_000} to={now} />
        </Card>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2 [&>*]:min-w-0">
        <Card title="Recent deployments" actions={<Link className="text-xs font-medium text-sky-700 hover:underline" href="/deployments">All deployments</Link>} bodyClassName="p-0">
          {recent.length === 0 ? (
            <div className="p-4">
              <EmptyState title="No deployments yet">Open a project and press Deploy.</EmptyState>
            </div>
          ) : (
            <ul className="divide-y divide-slate-100">
              {recent.map((d) => (
                <li key={d.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                  <Link href={`/deployments/${d.id}`} className="min-w-0 truncate hover:underline">
                    <span className="font-medium text-slate-800">{d.projectName ?? "remove project"}</span>
                    {d.projectVersion ? <span className="text-slate-400"> v{d.projectVersion}</span> : null}
                    <span className="text-slate-500"> → {d.deviceId}</span>
                  </Link>
                  <div className="flex shrink-0 items-center gap-2">
                    <span className="hidden text-xs text-slate-400 sm:inline">
                      <RelativeTime ts={d.updatedAt ?? d.createdAt} />
                    </span>
                    <StatusBadge status={d.state} label={d.state === "downloading" && d.pct != null ? `downloading ${d.pct}%` : undefined} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Latest events" actions={<Link className="text-xs font-medium text-sky-700 hover:underline" href="/events">All events</Link>} bodyClassName="p-0">
          {events.length === 0 ? (
            <div className="p-4">
              <EmptyState title="No events stored">Events appear here when a rule with a store action matches.</EmptyState>
            </div>
          ) : (
            <ul className="divide-y divide-slate-100">
              {events.map((e) => (
                <li key={e.id} className="flex items-center justify-between gap-3 px-4 py-2.5 text-sm">
                  <div className="min-w-0">
                    <div className="truncate font-medium text-slate-800">{e.ruleName}</div>
                    <div className="truncate text-xs text-slate-500">
                      {e.deviceId ?? "—"} · {e.labels.slice(0, 4).join(", ") || "no labels"}
                    </div>
                  </div>
                  <span className="shrink-0 text-xs text-slate-400">
                    <RelativeTime ts={e.ts} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
