import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** The import boundaries of docs/design.md, checked by running the repo's real ESLint config on code snippets. */
const root = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries (docs/design.md)", () => {
  it.each([
    ["apps/agent/src/x.ts", 'import { openDatabase } from "@edgelens/db";\nexport const x = openDatabase;', /never imports @edgelens\/db/],
    ["apps/agent/src/x.ts", 'import next from "next";\nexport const x = next;', /never imports next/],
    ["apps/agent/src/x.ts", 'import { startBroker } from "../../broker/src/server";\nexport const x = startBroker;', /No app imports another app/],
    ["apps/broker/src/x.ts", 'import { inspectOnnx } from "@edgelens/vision/onnx";\nexport const x = inspectOnnx;', /only @edgelens\/shared and @edgelens\/db/],
    ["apps/console/src/x.ts", 'import { x as y } from "@edgelens/agent";\nexport const x = y;', /No app imports another app/],
    ["packages/shared/src/x.ts", 'import { schema } from "@edgelens/db";\nexport const x = schema;', /imports nothing of the workspace/],
    ["packages/shared/src/x.ts", 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;', /browser-safe/],
    ["packages/vision/src/x.ts", 'import { schema } from "@edgelens/db";\nexport const x = schema;', /imports only @edgelens\/shared/],
  ])("%s: %s is refused", async (file, code, message) => {
    const errors = await restrictedImportErrors(file, code);
    expect(errors.join("\n")).toMatch(message);
  });

  it.each([
    ["apps/agent/src/x.ts", 'import { topics } from "@edgelens/shared/topics";\nexport const x = topics;'],
    ["apps/agent/src/x.ts", 'import * as v from "@edgelens/vision";\nexport const x = v;'],
    ["apps/broker/src/x.ts", 'import { openDatabase } from "@edgelens/db";\nexport const x = openDatabase;'],
    ["apps/console/src/x.ts", 'import { openDatabase } from "@edgelens/db";\nexport const x = openDatabase;'],
    ["packages/vision/src/x.ts", 'import { topics } from "@edgelens/shared";\nexport const x = topics;'],
  ])("%s: allowed import passes", async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toEqual([]);
  });
});
