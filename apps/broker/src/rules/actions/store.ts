import { EdgelensError, type RuleActionConfig } from "@edgelens/shared";
import type { EventWriter } from "../event-writer";
import type { RuleAction, RuleActionInput } from "../rule-action";

type StoreConfig = Extract<RuleActionConfig, { type: "store" }>;

/** Asks a device for a snapshot belonging to an event (a `snapshot` command). */
export type SnapshotRequester = (deviceId: string, eventId: number, ruleName: string) => Promise<void>;

/**
 * Labels of the message and of the output (`detections[].label`, `labels[].label`), sorted and
 * de-duplicated, space-separated for the events.labels column; spaces inside a label become
 * '_' (`hot dog` is stored as `hot_dog`) so the separator stays unambiguous.
 */
export function labelsOf(...values: unknown[]): string | null {
  const found = new Set<string>();
  for (const value of values) {
    if (typeof value !== "object" || value === null) continue;
    for (const key of ["detections", "labels"]) {
      const list = (value as Record<string, unknown>)[key];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const label = (item as { label?: unknown } | null)?.label;
        if (typeof label === "string" && label.trim() !== "") found.add(label.trim().replace(/\s+/g, "_"));
      }
    }
  }
  return found.size > 0 ? [...found].sort().join(" ") : null;
}

/** `store`: the SELECT output as an events row (and optionally a snapshot request). */
export class StoreAction implements RuleAction {
  readonly type = "store";

  constructor(
    private readonly config: StoreConfig,
    private readonly events: EventWriter,
    private readonly requestSnapshot: SnapshotRequester,
  ) {}

  async execute(input: RuleActionInput): Promise<void> {
    const id = await writeEvent(this.events, input);
    if (this.config.snapshot && input.deviceId) await this.requestSnapshot(input.deviceId, id, input.rule.name);
  }
}

/** The events row of a matched message (durable before the sender's PUBACK); resolves to its id. */
export async function writeEvent(events: EventWriter, input: RuleActionInput): Promise<number> {
  const write = events.add({
    ruleId: input.rule.id,
    ruleName: input.rule.name,
    topic: input.topic,
    deviceId: input.deviceId,
    labels: labelsOf(input.input, input.output),
    payload: input.output,
    ts: input.timestamp,
  });
  input.durable?.(write);
  try {
    return await write;
  } catch (err) {
    throw new EdgelensError("ACTION_FAILED", `store failed: ${(err as Error).message}`, { rule: input.rule.name }, { cause: err });
  }
}
