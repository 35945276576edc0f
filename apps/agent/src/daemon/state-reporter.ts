import { DeploymentProgressSchema, ReportedStateSchema, type DeploymentProgress, type ReportedState } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import type { DeploymentReporter } from "../deploy/deployment-manager";
import type { LinkState, Publisher } from "../mqtt/publisher";
import type { Spool } from "../spool/spool";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";

const RETRY_MS = 2000;

/**
 * Deployment progress goes through the spool (QoS 1, in order, kept while offline: the console
 * sees every step once the device is back). `shadow/reported` is retained state, so only the
 * latest matters: it is sent when it changes, again after every connect, and again a little
 * later when a send fails while the link still looks up (a PUBACK lost on a flapping link would
 * otherwise leave the console showing a stale state until the next reconnect).
 */
export class StateReporter implements DeploymentReporter {
  private latest: ReportedState | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deviceId: string,
    private readonly spool: Spool,
    private readonly kick: () => void,
    private readonly publisher: Publisher,
    private readonly link: LinkState,
    private readonly log: Logger,
  ) {
    link.onConnect(() => this.sendReported());
  }

  /** Stops the retry timer (the daemon is stopping). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  progress(p: DeploymentProgress): void {
    const msg = DeploymentProgressSchema.parse(p);
    this.spool.enqueue(topics.deployment(this.deviceId, msg.deploymentId), JSON.stringify(msg), { qos: 1 });
    this.kick();
  }

  reported(r: ReportedState): void {
    this.latest = ReportedStateSchema.parse(r);
    this.sendReported();
  }

  current(): ReportedState | null {
    return this.latest;
  }

  private sendReported(): void {
    const r = this.latest;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!r || !this.link.connected) return;
    this.publisher
      .publish(topics.shadowReported(this.deviceId), JSON.stringify({ ...r, ts: Date.now() }), { qos: 1, retain: true })
      .catch((err: unknown) => {
        this.log.warn(`shadow/reported not sent (retried in ${RETRY_MS} ms and on reconnect): ${describeError(err)}`, { code: "INTERNAL" });
        // Only the latest state is worth resending; a newer report has already replaced this one.
        if (this.latest === r && !this.retryTimer) this.retryTimer = setTimeout(() => this.sendReported(), RETRY_MS);
      });
  }
}
