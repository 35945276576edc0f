/**
 * Dynamic group queries: an expression of the rules language (docs/design.md "Rules"), parsed
 * and compiled by its own parser, evaluated against one object per device: its tags at the top
 * level and its fields (`id`, `name`, `agentVersion`, `registration`) over them, and all tags
 * again under `tags` for keys that are not identifiers (`tags['rack-row']`).
 */
import { EdgelensError } from "@edgelens/shared";
import { compileExpression, parseStandaloneExpression, RuleParseError } from "@edgelens/shared/rules";

/** Device fields a query can name; a tag may not take one of these keys. */
export const DEVICE_QUERY_FIELDS = ["id", "name", "agentVersion", "registration", "tags"] as const;

export interface QueryDevice {
  id: string;
  name: string;
  agentVersion: string | null;
  registration: string;
  tags: Record<string, string>;
}

export type GroupMatcher = (device: QueryDevice) => boolean;

/** Compiles a group query; one that does not parse is INVALID_PAYLOAD naming the column. */
export function compileGroupQuery(query: string): GroupMatcher {
  let compiled: ReturnType<typeof compileExpression>;
  try {
    compiled = compileExpression(parseStandaloneExpression(query));
  } catch (err) {
    if (!(err instanceof RuleParseError)) throw err;
    throw new EdgelensError("INVALID_PAYLOAD", `query does not parse at column ${err.column}: ${err.reason}`, { query, position: err.position, column: err.column });
  }
  return (device) => {
    const root = { ...device.tags, id: device.id, name: device.name, agentVersion: device.agentVersion, registration: device.registration, tags: device.tags };
    // A membership test: only a true match counts (undefined from a missing tag does not).
    return compiled({ root, topic: "", clientId: null, timestamp: Date.now() }) === true;
  };
}
