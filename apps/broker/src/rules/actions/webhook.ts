import { setTimeout as sleep } from "node:timers/promises";
import { EdgelensError, type RuleActionConfig, type WebhookAllowList } from "@edgelens/shared";
import type { RuleAction, RuleActionInput } from "../rule-action";
import { postWebhook } from "./webhook-request";
import type { WorkQueue } from "./work-queue";

type WebhookConfig = Extract<RuleActionConfig, { type: "webhook" }>;

/** A status worth trying again: the server was busy or broken, not the request. */
function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * `webhook`: HTTP POST of the SELECT output as JSON. Each attempt has its own timeout; timeouts,
 * network errors and 5xx/429/408 are retried with exponential backoff, other 4xx fail at once.
 * Targets are checked against the webhook policy on every call (webhook-request.ts).
 * Calls go through a bounded WorkQueue, so a slow endpoint queues (then refuses) work instead of
 * holding up message delivery.
 */
export class WebhookAction implements RuleAction {
  readonly type = "webhook";

  constructor(
    private readonly config: WebhookConfig,
    private readonly queue: WorkQueue,
    private readonly allow: WebhookAllowList,
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
        const headers = { "content-type": "application/json", "x-edgelens-rule": input.rule.name, ...this.config.headers };
        const status = await postWebhook(this.config.url, { headers, body, signal: AbortSignal.timeout(this.config.timeoutMs) }, this.allow);
        if (status >= 200 && status < 300) return;
        last = `HTTP ${status}`;
        if (!retryable(status)) break;
      } catch (err) {
        const e = err as EdgelensError;
        // A refused target is final, and its error names no address, port or answer: lastError is readable by viewers.
        if (e.context?.refusedByPolicy) throw new EdgelensError("ACTION_FAILED", `webhook POST ${this.config.url} refused by policy`, { ...context, refusedByPolicy: true });
        last = e.name === "TimeoutError" || e.name === "AbortError" ? `timed out after ${this.config.timeoutMs} ms` : e.message;
      }
    }
    throw new EdgelensError("ACTION_FAILED", `webhook POST ${this.config.url} failed: ${last}`, context);
  }
}
