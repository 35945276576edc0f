import { topics } from "@edgelens/shared/topics";
import type { DeviceStatus } from "@edgelens/shared";
import type { BrokerPublish } from "./broker-publish";
import type { PresenceStore } from "./db/presence-store";
import type { Logger } from "./log";
import { describeError } from "./log";

/**
 * The retained `status` the broker writes on a device's behalf: `online` at connect, `offline`
 * when it leaves without a will firing (clean DISCONNECT, kicked). The device's own `status`
 * publishes wait for the broker's pending one (see authorize-publish), so a fresh agent version
 * is never overwritten by the broker's older copy.
 */
export class StatusPublisher {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly publish: BrokerPublish,
    private readonly presence: PresenceStore,
    private readonly log: Logger,
  ) {}

  announce(deviceId: string, state: DeviceStatus["state"], now = Date.now()): Promise<void> {
    const status: DeviceStatus = { state, agentVersion: this.presence.agentVersion(deviceId) ?? "unknown", ts: now };
    const done = this.publish(topics.status(deviceId), Buffer.from(JSON.stringify(status)), { qos: 1, retain: true })
      .catch((err: unknown) => this.log.error(`could not publish ${state} status: ${describeError(err)}`, { code: "INTERNAL", deviceId }))
      .finally(() => {
        if (this.inFlight.get(deviceId) === done) this.inFlight.delete(deviceId);
      });
    this.inFlight.set(deviceId, done);
    return done;
  }

  /** Removes retained messages a deleted device left behind (its status and reported shadow). */
  async clear(deviceId: string): Promise<void> {
    const empty = Buffer.alloc(0);
    await Promise.all(
      [topics.status(deviceId), topics.shadowReported(deviceId)].map((topic) =>
        this.publish(topic, empty, { qos: 0, retain: true }).catch((err: unknown) => this.log.error(`could not clear ${topic}: ${describeError(err)}`, { code: "INTERNAL", deviceId })),
      ),
    );
  }

  pending(deviceId: string): Promise<void> | undefined {
    return this.inFlight.get(deviceId);
  }
}
