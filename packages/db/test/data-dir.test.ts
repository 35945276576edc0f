import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findWorkspaceRoot, resolveDataDir } from "../src/data-dir";

describe("resolveDataDir: one rule for EDGELENS_DATA_DIR in every part", () => {
  it("resolves a relative path against the workspace root from any app folder", () => {
    const base = mkdtempSync(join(tmpdir(), "edgelens-datadir-"));
    try {
      writeFileSync(join(base, "pnpm-workspace.yaml"), "packages: []\n");
      for (const app of ["apps/broker", "apps/console/src"]) mkdirSync(join(base, app), { recursive: true });
      expect(findWorkspaceRoot(join(base, "apps/console/src"))).toBe(base);
      expect(resolveDataDir("./data", join(base, "apps/broker"))).toBe(join(base, "data"));
      expect(resolveDataDir("./data", join(base, "apps/console/src"))).toBe(join(base, "data"));
      expect(resolveDataDir("/var/lib/edgelens", join(base, "apps/broker"))).toBe("/var/lib/edgelens");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("outside a checkout (a moved bundle) resolves against the working directory", () => {
    const base = mkdtempSync(join(tmpdir(), "edgelens-datadir-"));
    try {
      expect(findWorkspaceRoot(base)).toBeNull();
      expect(resolveDataDir("data", base)).toBe(join(base, "data"));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
