import { setTimeout as sleep } from "node:timers/promises";
import { EdgelensError, type RuleActionConfig } from "@edgelens/shared";
import type { RuleAction, RuleActionInput } from "../rule-action";
import type { WorkQueue } from "./work-queue";

type WebhookConfig = Extract<RuleActionConfig, { type: "webhook" }>;

/** A status worth trying again: the server was busy or broken, not the request. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * `webhook`: HTTP POST of the SELECT output as JSON. Each attempt has its own timeout; timeouts,
 * network errors and 5xx/429/408 are retried with exponential backoff, other 4xx fail at once.
 * Calls go through a bounded WorkQueue, so a slow endpoint queues (then refuses) work instead of
 * holding up message delivery.
 */
export class WebhookAction implements RuleAction {
  readonly type = "webhook";

  constructor(
    private readonly config: WebhookConfig,
    private readonly queue: WorkQueue,
    private readonly backoffMs = 200,
  ) {}

  execute(input: RuleActionInput): Promise<void> {
    return this.queue.run(() => this.deliver(input));
  }

  private async deliver(input: RuleActionInput): Promise<void> {
    const body = JSON.stringify(input.output);
    const context = { rule: input.rule.name, url: this.config.url, ...(input.deviceId ? { deviceId: input.deviceId } : {}) };
    let last = "";
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(this.backoffMs * 2 ** (attempt - 1), 5000));
      try {
        const res = await fetch(this.config.url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-edgelens-rule": input.rule.name, ...this.config.headers },
          body,
          signal: AbortSignal.timeout(this.config.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        last = `HTTP ${res.status}`;
        if (!retryable(res.status)) break;
      } catch (err) {
        const e = err as Error;
        last = e.name === "TimeoutError" ? `timed out after ${this.config.timeoutMs} ms` : e.message;
      }
    }
    throw new EdgelensError("ACTION_FAILED", `webhook POST ${this.config.url} failed: ${last}`, context);
  }
}
