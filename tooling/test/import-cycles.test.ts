import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findImportLoops, readImportGraph } from "../src/import-graph";

/** docs/design.md: no import cycles, in apps/*\/src and packages/*\/src. */
const root = fileURLToPath(new URL("../..", import.meta.url));

function describeLoops(dir: string): string {
  return findImportLoops(readImportGraph(dir))
    .map((loop) => `${loop.files.length} files in a loop, e.g. ${loop.cycle.join(" -> ")}\n  ${loop.files.join("\n  ")}`)
    .join("\n");
}

describe("import cycles", () => {
  it("the workspace has none", () => {
    const graph = readImportGraph(root);
    // A scanner that resolves nothing would pass trivially.
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get("apps/broker/src/build-services.ts")).toContain("apps/broker/src/services.ts");
    expect(graph.get("apps/broker/src/build-services.ts")).toContain("packages/shared/src/topics.ts");
    expect(describeLoops(root)).toBe("");
  });

  describe("the scanner", () => {
    const fixture = mkdtempSync(join(tmpdir(), "edgelens-cycles-"));
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    };
    write("packages/lib/package.json", JSON.stringify({ name: "@x/lib", exports: { ".": "./src/index.ts", "./sub": "./src/sub.ts" } }));
    write("packages/lib/src/index.ts", 'export * from "./sub";\n');
    write("packages/lib/src/sub.ts", 'import type { Ctx } from "@x/app-ctx";\nexport type S = Ctx;\n');
    write("apps/app/package.json", JSON.stringify({ name: "@x/app-ctx", exports: { ".": "./src/context.ts" } }));
    write("apps/app/src/context.ts", 'export type Ctx = number;\nexport const boot = () => import("@/server/boot");\n');
    write("apps/app/src/server/boot.ts", 'import { S } from "@x/lib/sub";\nexport const s: S = 1;\n');
    write("apps/app/src/alone.ts", 'import { boot } from "./context.js";\nexport const a = boot;\n');

    it("follows type imports, workspace subpaths, the @/ alias and dynamic import(), and names the circle", () => {
      const loops = findImportLoops(readImportGraph(fixture));
      expect(loops).toEqual([
        {
          files: ["apps/app/src/context.ts", "apps/app/src/server/boot.ts", "packages/lib/src/sub.ts"],
          cycle: ["apps/app/src/context.ts", "apps/app/src/server/boot.ts", "packages/lib/src/sub.ts", "apps/app/src/context.ts"],
        },
      ]);
    });
  });
});
