import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { devices, settings, verifySecret, type EdgelensDb } from "@edgelens/db";

/**
 * Device credentials as the broker checks them. scrypt costs tens of milliseconds of CPU, so a
 * (hash, secret) pair that verified once is remembered by a sha256 of the secret; the row is
 * still read on every CONNECT, so a deleted device or a rotated secret is refused at once.
 */
export interface DeviceRow {
  id: string;
  secretHash: string;
  registration: "awaiting-credentials" | "registered";
}

export class DeviceDirectory {
  private readonly verified = new Map<string, string>();
  /** Verifications running now: a burst of reconnects with one secret runs scrypt once. */
  private readonly running = new Map<string, Promise<boolean>>();

  /** Prepared once: building a drizzle query costs more than running it. */
  private readonly byId;
  private readonly version;

  constructor(
    private readonly db: EdgelensDb,
    private readonly maxCached = 100_000,
  ) {
    this.byId = db
      .select({ id: devices.id, secretHash: devices.secretHash, registration: devices.registration })
      .from(devices)
      .where(eq(devices.id, sql.placeholder("id")))
      .prepare();
    this.version = db.select({ value: settings.value }).from(settings).where(eq(settings.key, "devices_auth_version")).prepare();
  }

  /**
   * Counts up (triggers of migration 0010) when a device is registered, deregistered or its secret
   * rotated: while it stands still, `snapshot()` would return the same map.
   */
  authVersion(): string {
    return this.version.get()?.value ?? "";
  }

  find(deviceId: string): DeviceRow | undefined {
    return this.byId.get({ id: deviceId });
  }

  /** Every device id with its secret hash: what the deregistration check compares. */
  snapshot(): Map<string, string> {
    const rows = this.db.select({ id: devices.id, secretHash: devices.secretHash }).from(devices).all();
    return new Map(rows.map((r) => [r.id, r.secretHash]));
  }

  async verify(row: DeviceRow, secret: string): Promise<boolean> {
    const digest = createHash("sha256").update(secret).digest("base64url");
    if (this.verified.get(row.secretHash) === digest) return true;
    const key = `${row.secretHash}\u0000${digest}`;
    let pending = this.running.get(key);
    if (!pending) {
      pending = verifySecret(secret, row.secretHash).finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    const ok = await pending;
    if (ok) {
      if (this.verified.size >= this.maxCached) this.verified.clear();
      this.verified.set(row.secretHash, digest);
    }
    return ok;
  }

  /** Drops remembered verifications of hashes that no longer exist. */
  forgetExcept(liveHashes: ReadonlySet<string>): void {
    for (const hash of this.verified.keys()) if (!liveHashes.has(hash)) this.verified.delete(hash);
  }
}
