import Link from "next/link";
import { formatClock } from "@/components/charts/scale";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { RolloutDeviceStateSchema } from "@edgelens/shared/schemas";
import { filters } from "@edgelens/shared/topics";
import { getContext } from "@/server/get-context";
import { getRollout } from "@/server/services/rollouts";
import { loadOrNotFound } from "../../../_shared/load";
import { moveRolloutAction } from "../actions";
import { RolloutCountsRow } from "../rollout-counts";

const MOVES = { rolling: ["pause", "cancel"], paused: ["resume", "cancel"] } as const;
const SOAK_WORDS = { soaking: ", soaking", passed: ", soak passed", failed: ", soak failed" } as const;
/** Rows per page of the device table: a rollout to 1000 devices stays a light page. */
const PAGE = 100;

export default async function RolloutPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ state?: string; page?: string }> }) {
  const { id } = await params;
  const sp = await searchParams;
  const r = await loadOrNotFound(async () => getRollout(await getContext(), id));
  const state = RolloutDeviceStateSchema.safeParse(sp.state).data;
  const matching = state ? r.devices.filter((d) => d.state === state) : r.devices;
  const pages = Math.max(1, Math.ceil(matching.length / PAGE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1));
  const rows = matching.slice((page - 1) * PAGE, page * PAGE);
  const href = (s: string | undefined, p = 1) => `/rollouts/${r.id}?${new URLSearchParams({ ...(s ? { state: s } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString()}`;
  const moves = r.state === "rolling" || r.state === "paused" ? MOVES[r.state] : [];
  const p = r.params;
  // The engine judges told devices on its own tick (soak windows, timeouts): refresh while any is under way.
  const live = r.state === "rolling" || r.counts.notified > r.counts.running + r.counts.failed;
  return (
    <>
      <LiveRefresh filters={[filters.allDeployments]} minIntervalMs={1000} everyMs={live ? 2000 : undefined} />
      <PageHeader
        breadcrumb={
          <Link href="/rollouts" className="hover:underline">
            Rollouts
          </Link>
        }
        title={`${r.projectName ?? r.projectId} v${r.projectVersion} → ${r.counts.targeted} devices`}
        description={<span className="font-mono">{r.id}</span>}
        actions={
          <>
            <span data-testid="rollout-state" data-state={r.state}>
              <StatusBadge status={r.state} />
            </span>
            {moves.map((m) => (
              <form key={m} action={moveRolloutAction.bind(null, r.id, m)}>
                <Button type="submit" variant={m === "cancel" ? "danger" : "secondary"}>
                  {m[0]!.toUpperCase() + m.slice(1)}
                </Button>
              </form>
            ))}
          </>
        }
      />
      <div className="space-y-4">
        {r.abortReason ? <Alert tone="error">Aborted: {r.abortReason}</Alert> : null}
        {r.heldUntil ? (
          <p className="text-sm text-amber-700" data-testid="rollout-held" data-until={r.heldUntil}>
            Held back by at most {p.maxPerMinute} a minute: the next device is told at {formatClock(r.heldUntil, true)}.
          </p>
        ) : null}
        <RolloutCountsRow counts={r.counts} />
        <Card title="Parameters">
          <p className="text-sm text-slate-600">
            batch {p.batch}, increase ×{p.increase}, at most {p.maxPerMinute}/min, abort at {p.abortFailuresPct === null ? "never" : `${p.abortFailuresPct}% failed after ${p.abortMin}`}, device timeout {p.deviceTimeoutS} s, soak{" "}
            {p.soakS} s (fps ≥ {p.minFpsRatio}×)
          </p>
          {r.group ? (
            <p className="mt-1 text-sm text-slate-600" data-testid="rollout-group">
              Over group{" "}
              <Link className="text-sky-700 hover:underline" href={`/groups/${encodeURIComponent(r.group.name)}`}>
                {r.group.name}
              </Link>{" "}
              (its members when it started, pinned ones left out). Once it completes it becomes the group&apos;s deployment, priority {r.group.priority}: devices that join later get this version.
            </p>
          ) : null}
        </Card>
        <Card
          title="Devices"
          actions={
            <nav aria-label="Filter devices" className="flex flex-wrap gap-2 text-xs">
              {[undefined, ...RolloutDeviceStateSchema.options].map((s) => (
                <Link key={s ?? "all"} href={href(s)} className={s === state ? "font-semibold text-slate-900" : "text-sky-700 hover:underline"}>
                  {s ?? "all"}
                </Link>
              ))}
            </nav>
          }
        >
          <Table label="Rollout devices">
            <thead>
              <tr>
                <Th>Device</Th>
                <Th>State</Th>
                <Th>Batch</Th>
                <Th>Deployment</Th>
                <Th>Reason</Th>
              </tr>
            </thead>
            <TBody>
              {rows.map((d) => (
                <tr key={d.id} data-testid="rollout-device" data-state={d.state}>
                  <Td>
                    <Link className="text-sky-700 hover:underline" href={`/devices/${d.id}`}>
                      {d.id}
                    </Link>
                  </Td>
                  <Td>
                    <StatusBadge status={d.state} />
                  </Td>
                  <Td>{d.batch === null ? "—" : d.batch + 1}</Td>
                  <Td className="font-mono text-xs">
                    {d.deploymentId ? (
                      <Link className="text-sky-700 hover:underline" href={`/deployments/${d.deploymentId}`}>
                        {d.deploymentState ?? d.deploymentId}
                        {d.soak ? SOAK_WORDS[d.soak] : ""}
                      </Link>
                    ) : (
                      "not told"
                    )}
                  </Td>
                  <Td className="text-slate-600">{d.reason ?? ""}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <p className="mt-2 text-xs text-slate-500" data-testid="rollout-device-page">
            {matching.length === 0 ? "No device in this state." : `${(page - 1) * PAGE + 1}-${(page - 1) * PAGE + rows.length} of ${matching.length}`}
            {page > 1 ? (
              <Link className="ml-3 text-sky-700 hover:underline" href={href(state, page - 1)}>
                previous
              </Link>
            ) : null}
            {page < pages ? (
              <Link className="ml-3 text-sky-700 hover:underline" href={href(state, page + 1)}>
                next
              </Link>
            ) : null}
          </p>
        </Card>
      </div>
    </>
  );
}
