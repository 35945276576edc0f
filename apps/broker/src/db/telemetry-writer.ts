import { eq } from "drizzle-orm";
import { devices, type EdgelensDb } from "@edgelens/db";
import type { Telemetry } from "@edgelens/shared";
import type { Logger } from "../log";
import { describeError } from "../log";

/**
 * devices.telemetry keeps the latest telemetry for list pages. Devices may send it every second;
 * the writer keeps only the newest per device and writes all pending rows in one transaction
 * per interval.
 */
export class TelemetryWriter {
  private readonly pending = new Map<string, { telemetry: Telemetry; at: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: EdgelensDb,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  record(deviceId: string, telemetry: Telemetry, now: number): void {
    this.pending.set(deviceId, { telemetry, at: now });
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    try {
      this.db.transaction((tx) => {
        for (const [deviceId, { telemetry, at }] of batch) {
          tx.update(devices).set({ telemetry, lastSeenAt: at }).where(eq(devices.id, deviceId)).run();
        }
      });
    } catch (err) {
      this.log.error(`telemetry write failed: ${describeError(err)}`, { code: "INTERNAL", devices: batch.length });
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
