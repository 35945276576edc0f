import Link from "next/link";
import { ClipPlayer } from "@/components/events/clip-player";
import { EventFilters } from "@/components/events/event-filters";
import { SnapshotThumb } from "@/components/events/snapshot-thumb";
import { eventQueryString, localTimeToMs, type EventQuery } from "@/components/events/event-query";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, TBody, Td, Th } from "@/components/ui/table";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { deviceChoices } from "@/server/services/device-choices";
import { listEvents } from "@/server/services/events";
import { listRules } from "@/server/services/rules";

function summary(payload: Record<string, unknown>): string {
  const counts = payload.counts as Record<string, number> | undefined;
  if (counts && typeof counts === "object") return Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(", ");
  const text = JSON.stringify(payload);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export default async function EventsPage({ searchParams }: { searchParams: Promise<EventQuery> }) {
  const q = await searchParams;
  const user = await requirePageUser();
  const ctx = await getContext();
  const from = localTimeToMs(q.from);
  const to = localTimeToMs(q.to);
  const beforeId = q.beforeId && /^\d+$/.test(q.beforeId) ? Number(q.beforeId) : undefined;
  const { events, nextBeforeId } = listEvents(ctx, {
    limit: 50,
    ...(q.deviceId ? { deviceId: q.deviceId } : {}),
    ...(q.label ? { label: q.label } : {}),
    ...(q.ruleId ? { ruleId: q.ruleId } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(beforeId ? { beforeId } : {}),
  });
  const devices = deviceChoices(ctx);
  const rules = listRules(ctx).map((r) => ({ id: r.id, name: r.name }));
  const { beforeId: _page, ...filters } = q;
  const csvQuery = eventQueryString({ ...(q.deviceId ? { deviceId: q.deviceId } : {}), ...(q.label ? { label: q.label } : {}), ...(q.ruleId ? { ruleId: q.ruleId } : {}) }, { format: "csv", limit: "1000", ...(from !== undefined ? { from: String(from) } : {}), ...(to !== undefined ? { to: String(to) } : {}) });

  return (
    <>
      <PageHeader
        title="Events"
        description="Results that rules with a store action kept."
        actions={
          <a href={`/api/v1/events?${csvQuery}`} className={buttonClasses("secondary")} download="edgelens-events.csv" data-testid="export-csv">
            Export CSV
          </a>
        }
      />
      <EventFilters query={q} devices={devices} rules={rules} />
      {events.length === 0 ? (
        <EmptyState title={Object.values(filters).some(Boolean) ? "No events match these filters" : "No events stored yet"}>
          Events come from rules with a <strong>store</strong> action. <Link href="/rules/new" className="text-sky-700 underline">Create one</Link>.
        </EmptyState>
      ) : (
        <>
          <Table label="Events">
            <thead>
              <tr>
                <Th>Snapshot / clip</Th>
                <Th>Time</Th>
                <Th>Rule</Th>
                <Th>Device</Th>
                <Th>Labels</Th>
                <Th>Payload</Th>
              </tr>
            </thead>
            <TBody>
              {events.map((e) => (
                <tr key={e.id} className="align-top hover:bg-slate-50" data-testid="event-row">
                  <Td>
                    <SnapshotThumb sha256={e.snapshotSha256} eventId={e.id} />
                    {e.snapshotSha256 && user.role === "admin" ? (
                      <Link href={`/people?snapshot=${e.snapshotSha256}#from-snapshot`} className="mt-0.5 block text-[11px] text-sky-700 hover:underline" data-testid="snapshot-pick-face">
                        Pick a face
                      </Link>
                    ) : null}
                    <ClipPlayer clip={e.clip} compact />
                  </Td>
                  <Td className="text-slate-500">
                    <RelativeTime ts={e.ts} />
                  </Td>
                  <Td>{e.ruleName}</Td>
                  <Td>{e.deviceId ? <Link href={`/devices/${e.deviceId}`} className="text-sky-700 hover:underline">{e.deviceId}</Link> : "—"}</Td>
                  <Td className="whitespace-normal">
                    <div className="flex max-w-48 flex-wrap gap-1">
                      {e.labels.map((l) => (
                        <Link key={l} href={`/events?${eventQueryString({ ...filters, label: l })}`} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 hover:bg-sky-100">
                          {l}
                        </Link>
                      ))}
                    </div>
                  </Td>
                  <Td className="max-w-sm truncate font-mono text-xs text-slate-500" title={JSON.stringify(e.payload)}>
                    {summary(e.payload)}
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <div className="mt-3 flex justify-end gap-2">
            {beforeId ? (
              <Link href={`/events?${eventQueryString(filters)}`} className={buttonClasses("secondary")}>
                Newest
              </Link>
            ) : null}
            {nextBeforeId ? (
              <Link href={`/events?${eventQueryString({ ...filters, beforeId: String(nextBeforeId) })}`} className={buttonClasses("secondary")}>
                Older →
              </Link>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}
