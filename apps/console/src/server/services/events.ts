/** Events the broker's `store` rule actions wrote: filtered listing and CSV export. */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { events } from "@edgelens/db";
import type { ServiceContext } from "../context";
import { clipsOfEvents, type ClipView } from "./clips";
import { snapshotPath } from "./snapshots";

export interface EventView {
  id: number;
  ruleId: string | null;
  ruleName: string;
  topic: string;
  deviceId: string | null;
  labels: string[];
  payload: Record<string, unknown>;
  snapshotSha256: string | null;
  /** The clip of a `clip` rule action's event (docs/design.md "Clips"). */
  clip: ClipView | null;
  ts: number;
}

const timeParam = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

export const EventFilterSchema = z.object({
  deviceId: z.string().min(1).optional(),
  label: z.string().min(1).max(64).optional(),
  ruleId: z.string().min(1).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  beforeId: z.coerce.number().int().positive().optional(),
});
export type EventFilter = z.input<typeof EventFilterSchema>;

type EventRow = typeof events.$inferSelect;

function view(row: EventRow, clip: ClipView | null): EventView {
  return {
    id: row.id,
    ruleId: row.ruleId,
    ruleName: row.ruleName,
    topic: row.topic,
    deviceId: row.deviceId,
    labels: row.labels ? row.labels.split(" ").filter(Boolean) : [],
    payload: (row.payload ?? {}) as Record<string, unknown>,
    snapshotSha256: row.snapshotSha256,
    clip,
    ts: row.ts,
  };
}

function conditions(f: z.output<typeof EventFilterSchema>): SQL | undefined {
  const where: SQL[] = [];
  if (f.deviceId) where.push(eq(events.deviceId, f.deviceId));
  if (f.ruleId) where.push(eq(events.ruleId, f.ruleId));
  if (f.label) where.push(sql`(' ' || ${events.labels} || ' ') LIKE ${`% ${f.label.toLowerCase()} %`}`);
  if (f.from !== undefined) where.push(gte(events.ts, f.from));
  if (f.to !== undefined) where.push(lte(events.ts, f.to));
  if (f.beforeId !== undefined) where.push(lt(events.id, f.beforeId));
  return and(...where);
}

/** Newest first; page with `beforeId = nextBeforeId` until it is null. */
export function listEvents(ctx: ServiceContext, filter: EventFilter = {}): { events: EventView[]; nextBeforeId: number | null } {
  const f = EventFilterSchema.parse(filter);
  const rows = ctx.db.select().from(events).where(conditions(f)).orderBy(desc(events.id)).limit(f.limit + 1).all();
  const kept = rows.slice(0, f.limit);
  const clipsById = clipsOfEvents(ctx, kept);
  const page = kept.map((r) => view(r, clipsById.get(r.id) ?? null));
  return { events: page, nextBeforeId: rows.length > f.limit ? (page[page.length - 1]?.id ?? null) : null };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const EVENTS_CSV_HEADER = "id,time,rule,device,topic,labels,payload,snapshot";

/** `consoleUrl` makes the snapshot column an absolute URL, usable wherever the CSV is opened. */
export function eventCsvRow(e: EventView, consoleUrl: string): string {
  const snapshot = e.snapshotSha256 ? `${consoleUrl}${snapshotPath(e.snapshotSha256)}` : "";
  return [String(e.id), new Date(e.ts).toISOString(), e.ruleName, e.deviceId ?? "", e.topic, e.labels.join(" "), JSON.stringify(e.payload), snapshot].map(csvCell).join(",");
}

/** All matching events (the filter's limit is ignored), read in pages so memory stays flat. */
export async function* exportEventsCsv(ctx: ServiceContext, filter: EventFilter = {}): AsyncGenerator<string> {
  yield `${EVENTS_CSV_HEADER}\r\n`;
  let beforeId = EventFilterSchema.parse(filter).beforeId;
  for (;;) {
    const page = listEvents(ctx, { ...filter, limit: 500, ...(beforeId !== undefined ? { beforeId } : {}) });
    if (page.events.length > 0) yield page.events.map((e) => `${eventCsvRow(e, ctx.config.consoleUrl)}\r\n`).join("");
    if (page.nextBeforeId === null) return;
    beforeId = page.nextBeforeId;
  }
}
