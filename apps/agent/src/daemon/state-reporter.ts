import { DeploymentProgressSchema, ReportedStateSchema, type DeploymentProgress, type ReportedState } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import type { DeploymentReporter } from "../deploy/deployment-manager";
import type { LinkState, Publisher } from "../mqtt/publisher";
import type { Spool } from "../spool/spool";
import type { Logger } from "../telemetry/logger";
import { describeError } from "../telemetry/logger";

/**
 * Deployment progress goes through the spool (QoS 1, in order, kept while offline: the console
 * sees every step once the device is back). `shadow/reported` is retained state, so only the
 * latest matters: it is sent when it changes and again after every connect.
 */
export class StateReporter implements DeploymentReporter {
  private latest: ReportedState | null = null;

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
    if (!r || !this.link.connected) return;
    this.publisher
      .publish(topics.shadowReported(this.deviceId), JSON.stringify({ ...r, ts: Date.now() }), { qos: 1, retain: true })
      .catch((err: unknown) => this.log.warn(`shadow/reported not sent (sent again on reconnect): ${describeError(err)}`));
  }
}
