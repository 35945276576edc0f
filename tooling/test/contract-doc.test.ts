import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as topicsModule from "@edgelens/shared/topics";

/**
 * docs/design.md is the contract between the parts, so it must name every topic the code can
 * build and every EDGELENS_* key the code reads. Keys are found by scanning source text, not by
 * importing env schemas: where configuration is parsed may move between packages, and a key
 * read anywhere is contract wherever it is read.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const DOC = "docs/design.md";
const doc = readFileSync(join(root, DOC), "utf8");

/** A whole key: `EDGELENS_AGENT_` (a prefix in a strictness check) and `EDGELENS_` alone are not keys. */
const KEY = /\bEDGELENS_[A-Z0-9]+(?:_[A-Z0-9]+)*\b/g;
const SCANNED_ROOTS = ["apps", "packages"].flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(dir, name, "src"))).concat(["scripts"]);
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".next", ".cache", ".models", "coverage"]);

/** The names of a builder's parameters, as `{name}` placeholders (the doc's spelling of them). */
function placeholders(fn: (...args: string[]) => unknown): string[] {
  const source = fn.toString();
  const list = /^(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(source)?.[1] ?? /^(?:async\s*)?([A-Za-z_$][\w$]*)\s*=>/.exec(source)?.[1];
  if (list === undefined) throw new Error(`cannot read the parameters of ${source.slice(0, 80)}`);
  return list
    .split(",")
    .map((p) => p.split(/[=:]/)[0]?.trim() ?? "")
    .filter((p) => p !== "")
    .map((p) => `{${p}}`);
}

/** Every member of the objects topics.ts exports (`topics`, `filters`), spelled with placeholders. */
function exportedTopicPatterns(): { name: string; pattern: string }[] {
  const found: { name: string; pattern: string }[] = [];
  for (const [exportName, value] of Object.entries(topicsModule)) {
    if (typeof value === "string" && value.includes("/")) found.push({ name: exportName, pattern: value });
    if (typeof value !== "object" || value === null) continue;
    for (const [member, builder] of Object.entries(value as Record<string, unknown>)) {
      const name = `${exportName}.${member}`;
      if (typeof builder === "string") found.push({ name, pattern: builder });
      else if (typeof builder === "function") {
        const fn = builder as (...args: string[]) => unknown;
        const pattern = fn(...placeholders(fn));
        if (typeof pattern !== "string") throw new Error(`${name} did not build a topic string`);
        found.push({ name, pattern });
      }
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (SKIPPED_DIRS.has(entry)) return [];
    const path = join(abs, entry);
    const rel = relative(root, path);
    return statSync(path).isDirectory() ? sourceFiles(rel) : [rel];
  });
}

/** EDGELENS_* key -> the files that name it. */
function keysInSource(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const file of SCANNED_ROOTS.flatMap(sourceFiles)) {
    const bytes = readFileSync(join(root, file));
    if (bytes.includes(0)) continue; // binary
    for (const key of new Set(bytes.toString("utf8").match(KEY) ?? [])) keys.set(key, [...(keys.get(key) ?? []), file]);
  }
  return keys;
}

describe(`${DOC} names every topic and configuration key of the code`, () => {
  it("every topic pattern exported by packages/shared/src/topics.ts", () => {
    const patterns = exportedTopicPatterns();
    // Guards the enumeration itself: the ten device topics plus the filters.
    expect(patterns.length).toBeGreaterThanOrEqual(14);
    expect(patterns.map((p) => p.pattern)).toContain("edgelens/devices/{deviceId}/deployments/{deploymentId}");
    const missing = patterns.filter((p) => !doc.includes(`\`${p.pattern}\``)).map((p) => `${p.name}: \`${p.pattern}\``);
    expect(missing, `topic patterns missing from ${DOC} (write each in backticks, placeholders as the builder's parameter names):\n${missing.join("\n")}`).toEqual([]);
  });

  it("every EDGELENS_* key in apps/*/src, packages/*/src and scripts/", () => {
    const keys = keysInSource();
    expect(keys.size).toBeGreaterThan(20);
    const documented = new Set(doc.match(KEY) ?? []);
    const missing = [...keys].filter(([key]) => !documented.has(key)).map(([key, files]) => `${key} (read in ${files.join(", ")})`);
    expect(missing, `EDGELENS_* keys missing from ${DOC} "Configuration":\n${missing.join("\n")}`).toEqual([]);
  });
});
