import { EdgelensError } from "@edgelens/shared/errors";

/**
 * A predicate keeping the strings in which the regular expression `pattern` finds a match
 * (anchor it with ^…$ to require the whole string, e.g. a licence-plate format); "" keeps all.
 * A pattern that is not a valid regular expression is INVALID_CONFIG naming the config `field`.
 */
export function createTextFilter(pattern: unknown, field = "pattern"): (text: string) => boolean {
  if (pattern === undefined || pattern === "") return () => true;
  if (typeof pattern !== "string") throw new EdgelensError("INVALID_CONFIG", `config.${field} must be a string (a regular expression), got ${typeof pattern}`, { field });
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new EdgelensError("INVALID_CONFIG", `config.${field} is not a valid regular expression: ${(error as Error).message}`, { field, pattern }, { cause: error });
  }
  return (text) => regex.test(text);
}
