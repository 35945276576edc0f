/** Dashboard figures: device and deployment counts from the database, live rates from the console's subscriber. */
import { and, count, gte, inArray, sql } from "drizzle-orm";
import { deployments, devices, events } from "@edgelens/db";
import type { ServiceContext } from "../context";
import type { MinuteBucket } from "../live/infer-counter";

export interface DashboardStats {
  devices: { total: number; online: number; offline: number; awaiting: number };
  deployments: { inProgress: number; failed24h: number; running: number };
  /** Last 60 minutes, oldest first: inference results and people counted (see SERVICES.md). */
  perMinute: MinuteBucket[];
  eventsPerMinute: { minute: number; events: number }[];
  /** When the live counters started (console start): perMinute before it is unknown, not zero. */
  since: number;
}

const MINUTE_MS = 60_000;

export function getDashboardStats(ctx: ServiceContext, now = Date.now()): DashboardStats {
  const byPresence = ctx.db.select({ presence: devices.presence, registration: devices.registration, n: count() }).from(devices).groupBy(devices.presence, devices.registration).all();
  const sum = (pred: (r: (typeof byPresence)[number]) => boolean) => byPresence.filter(pred).reduce((a, r) => a + r.n, 0);
  // Each device's newest deployment says whether it is converging, running or stuck.
  const newest = sql`${deployments.id} = (SELECT d2.id FROM deployments d2 WHERE d2.device_id = ${deployments.deviceId} ORDER BY d2.created_at DESC, d2.id DESC LIMIT 1)`;
  const states = ctx.db.select({ state: deployments.state, n: count() }).from(deployments).where(newest).groupBy(deployments.state).all();
  const stateCount = (list: string[]) => states.filter((s) => list.includes(s.state)).reduce((a, s) => a + s.n, 0);
  const failed24h =
    ctx.db
      .select({ n: count() })
      .from(deployments)
      .where(and(inArray(deployments.state, ["failed", "rolled-back"]), gte(deployments.createdAt, now - 24 * 3600 * 1000)))
      .get()?.n ?? 0;

  const firstMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS;
  // Literal, not a bound parameter: better-sqlite3 binds JS numbers as REAL, which would make this a float division.
  const minuteExpr = sql<number>`(${events.ts} / ${sql.raw(String(MINUTE_MS))}) * ${sql.raw(String(MINUTE_MS))}`;
  const eventRows = ctx.db.select({ minute: minuteExpr, n: count() }).from(events).where(gte(events.ts, firstMinute)).groupBy(minuteExpr).all();
  const eventsByMinute = new Map(eventRows.map((r) => [Number(r.minute), r.n]));
  const eventsPerMinute = Array.from({ length: 60 }, (_, i) => {
    const minute = firstMinute + i * MINUTE_MS;
    return { minute, events: eventsByMinute.get(minute) ?? 0 };
  });

  return {
    devices: {
      total: sum(() => true),
      online: sum((r) => r.presence === "online"),
      offline: sum((r) => r.presence === "offline"),
      awaiting: sum((r) => r.registration === "awaiting-credentials"),
    },
    deployments: { inProgress: stateCount(["queued", "downloading", "verifying", "loading"]), failed24h, running: stateCount(["running"]) },
    perMinute: ctx.live.series(now),
    eventsPerMinute,
    since: ctx.live.since,
  };
}

