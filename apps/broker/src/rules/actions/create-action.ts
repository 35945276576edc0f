import type { RuleActionConfig, WebhookAllowList } from "@edgelens/shared";
import type { EventWriter } from "../event-writer";
import type { RuleAction } from "../rule-action";
import { ClipAction, type ClipRequester } from "./clip";
import { RepublishAction, type RulePublisher } from "./republish";
import { StoreAction, type SnapshotRequester } from "./store";
import { WebhookAction } from "./webhook";
import type { WorkQueue } from "./work-queue";

export interface ActionDeps {
  publish: RulePublisher;
  events: EventWriter;
  webhooks: WorkQueue;
  /** Operator-allowed webhook targets inside the refused ranges (EDGELENS_WEBHOOK_ALLOW). */
  webhookAllow: WebhookAllowList;
  requestSnapshot: SnapshotRequester;
  requestClip: ClipRequester;
  /** First retry delay of webhooks; doubles per retry. */
  webhookBackoffMs?: number;
}

/** Builds the action of a validated config. Throws RuleParseError for a bad republish template. */
export function createRuleAction(config: RuleActionConfig, deps: ActionDeps): RuleAction {
  switch (config.type) {
    case "republish":
      return new RepublishAction(config, deps.publish);
    case "webhook":
      return new WebhookAction(config, deps.webhooks, deps.webhookAllow, deps.webhookBackoffMs);
    case "store":
      return new StoreAction(config, deps.events, deps.requestSnapshot);
    case "clip":
      return new ClipAction(config, deps.events, deps.requestClip);
  }
}
