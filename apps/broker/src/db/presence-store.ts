import { eq, sql } from "drizzle-orm";
import { devices, type EdgelensDb } from "@edgelens/db";

/** devices.presence / last_seen_at / registration / agent_version, as the broker sees them. */
export class PresenceStore {
  private readonly agentVersions = new Map<string, string | null>();

  private readonly online;
  private readonly offline;

  constructor(private readonly db: EdgelensDb) {
    // Prepared once: every connect and disconnect runs one of these.
    const id = eq(devices.id, sql.placeholder("id"));
    this.online = db
      .update(devices)
      .set({ presence: "online", lastSeenAt: sql`${sql.placeholder("now")}`, registration: "registered" })
      .where(id)
      .prepare();
    this.offline = db
      .update(devices)
      .set({ presence: "offline", lastSeenAt: sql`${sql.placeholder("now")}` })
      .where(id)
      .prepare();
  }

  /** A broker that starts has no connections: any `online` left by a crash is stale. */
  resetAll(): number {
    return this.db.update(devices).set({ presence: "offline" }).where(eq(devices.presence, "online")).run().changes;
  }

  /** The devices the database shows online (a cluster node that starts checks them against the live nodes). */
  onlineDeviceIds(): string[] {
    return this.db.select({ id: devices.id }).from(devices).where(eq(devices.presence, "online")).all().map((r) => r.id);
  }

  /** Marks these devices offline in one transaction (a starting cluster node's stale ones: one commit, not one each). */
  markOfflineMany(deviceIds: readonly string[], now: number): void {
    this.db.transaction(() => {
      for (const id of deviceIds) this.offline.run({ id, now });
    });
  }

  /** First connect moves `awaiting-credentials` to `registered`. False when the row is gone. */
  markOnline(deviceId: string, now: number): boolean {
    return this.online.run({ id: deviceId, now }).changes > 0;
  }

  markOffline(deviceId: string, now: number): void {
    this.offline.run({ id: deviceId, now });
  }

  /** The agent version last reported on `status`, for the status the broker publishes itself. */
  agentVersion(deviceId: string): string | null {
    if (!this.agentVersions.has(deviceId)) {
      const row = this.db.select({ v: devices.agentVersion }).from(devices).where(eq(devices.id, deviceId)).get();
      this.agentVersions.set(deviceId, row?.v ?? null);
    }
    return this.agentVersions.get(deviceId) ?? null;
  }

  /** Writes only on change: `status` repeats the same version on every connect. */
  setAgentVersion(deviceId: string, version: string): void {
    if (this.agentVersion(deviceId) === version) return;
    this.agentVersions.set(deviceId, version);
    this.db.update(devices).set({ agentVersion: version }).where(eq(devices.id, deviceId)).run();
  }

  forget(deviceId: string): void {
    this.agentVersions.delete(deviceId);
  }
}

