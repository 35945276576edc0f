import { IdSchema, TimestampSchema, type ClipRequest, type RuleActionConfig } from "@edgelens/shared";
import type { EventWriter } from "../event-writer";
import type { RuleAction, RuleActionInput } from "../rule-action";
import { writeEvent } from "./store";

type ClipConfig = Extract<RuleActionConfig, { type: "clip" }>;

/** Asks a device for a clip belonging to an event (a `clip` command); `request.eventId` is set. */
export type ClipRequester = (deviceId: string, request: ClipRequest, ruleName: string) => Promise<void>;

/**
 * `clip`: the SELECT output as an events row, as `store` writes it, and a `clip` command asking
 * the device for `pre` s before and `post` s after the moment: the result's frame time (`ts` of
 * the message) when it has one, else when the broker received it. The clip is recorded from the
 * source of the message's project (`projectId`). A message of no device stores the event only.
 *
 * One clip per device and project at a time: a condition stays true for many messages in a row
 * (a crowd at the door for a minute is hundreds of results), and a clip each would flood the
 * device (`RATE_LIMITED`) and the console's clip bounds with copies of the same seconds. An
 * event whose moment falls inside the `post` seconds of the last clip asked for is stored
 * without a clip of its own: that clip shows it.
 */
export class ClipAction implements RuleAction {
  readonly type = "clip";
  /** Per device and project: the end of the last clip asked for (its moment + post), ms. */
  private readonly coveredUntil = new Map<string, number>();

  constructor(
    private readonly config: ClipConfig,
    private readonly events: EventWriter,
    private readonly requestClip: ClipRequester,
  ) {}

  async execute(input: RuleActionInput): Promise<void> {
    const eventId = await writeEvent(this.events, input);
    if (!input.deviceId) return;
    const message = typeof input.input === "object" && input.input !== null ? (input.input as Record<string, unknown>) : {};
    const ts = TimestampSchema.safeParse(message.ts);
    const projectId = IdSchema.safeParse(message.projectId);
    const key = `${input.deviceId}\u0000${projectId.success ? projectId.data : ""}`;
    const at = ts.success ? ts.data : input.timestamp;
    if (at <= (this.coveredUntil.get(key) ?? -Infinity)) return;
    this.coveredUntil.set(key, at + this.config.post * 1000);
    if (this.coveredUntil.size > 10_000) this.coveredUntil.delete(this.coveredUntil.keys().next().value!);
    const request: ClipRequest = {
      clipId: `event-${eventId}`,
      eventId,
      at,
      pre: this.config.pre,
      post: this.config.post,
      ...(projectId.success ? { projectId: projectId.data } : {}),
    };
    await this.requestClip(input.deviceId, request, input.rule.name);
  }
}
