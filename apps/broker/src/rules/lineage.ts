/**
 * Which rules produced a message. Republish marks its payload Buffer here; aedes hands that same
 * Buffer to the `published` hook, where the runner reads it back and skips those rules, so a
 * rule never re-triggers on its own output (nor on output derived from it).
 */
export class RuleLineage {
  private readonly byPayload = new WeakMap<Buffer, readonly string[]>();

  mark(payload: Buffer, lineage: readonly string[]): void {
    this.byPayload.set(payload, lineage);
  }

  of(payload: Buffer): readonly string[] {
    return this.byPayload.get(payload) ?? NONE;
  }
}

const NONE: readonly string[] = [];

/** Chains longer than this (A republishes to B's topic, B to C's...) stop. */
export const MAX_RULE_CHAIN = 8;
