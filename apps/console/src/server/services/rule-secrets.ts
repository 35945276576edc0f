/**
 * Webhook header values (bearer tokens, API keys) are write-only: every reader of a rule, admin
 * or viewer, API or page, sees them masked; only the broker reads the stored values. Saving a
 * rule with a masked value keeps the value stored for that header of the same action.
 */
import type { RuleActionConfig } from "@edgelens/shared";

export const MASKED_HEADER_VALUE = "••••••••";

export function maskAction(action: RuleActionConfig): RuleActionConfig {
  if (action.type !== "webhook" || !action.headers) return action;
  return { ...action, headers: Object.fromEntries(Object.keys(action.headers).map((name) => [name, MASKED_HEADER_VALUE])) };
}

function keepStored(next: RuleActionConfig, stored: RuleActionConfig | null | undefined): RuleActionConfig {
  if (next.type !== "webhook" || !next.headers) return next;
  const previous = stored?.type === "webhook" ? (stored.headers ?? {}) : {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(next.headers)) {
    // A masked value whose header is gone (or the action moved) cannot be restored: it is dropped, never stored as the mask.
    if (value !== MASKED_HEADER_VALUE) headers[name] = value;
    else if (previous[name] !== undefined) headers[name] = previous[name];
  }
  return { ...next, headers };
}

/** Masked values in `next` take the stored value of the same header of the action at the same place. */
export function restoreMaskedHeaders(next: RuleActionConfig[], stored: RuleActionConfig[]): RuleActionConfig[] {
  return next.map((action, i) => keepStored(action, stored[i]));
}

export function restoreMaskedErrorAction(next: RuleActionConfig | null, stored: RuleActionConfig | null): RuleActionConfig | null {
  return next ? keepStored(next, stored) : null;
}
