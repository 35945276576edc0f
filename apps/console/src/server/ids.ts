import { randomBytes } from "node:crypto";

/**
 * Ids for rows the console creates: a readable prefix, a time part so ids sort by creation,
 * and randomness. Valid under IdSchema (topic levels and URL paths).
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString("hex")}`;
}
