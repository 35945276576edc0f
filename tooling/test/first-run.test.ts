import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./support/stack";

/**
 * The first `pnpm dev` on a fresh clone: pnpm must hand over to scripts/stack/bootstrap.mjs
 * without installing first. pnpm's own pre-script install (`verifyDepsBeforeRun`) ran without the
 * launcher's npm_config_nodedir, so on a machine without a prebuilt better-sqlite3 the first
 * thing a new user saw was a red node-gyp stack trace before the launcher's install succeeded.
 *
 * The clone here holds the real workspace manifests, lockfile and pnpm-workspace.yaml, and no
 * node_modules; the launcher is a stub, so this checks pnpm's part only (seconds, not an install).
 */
const LAUNCHER_REACHED = "first-run: launcher reached";

function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-first-run-"));
  for (const file of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml"]) cpSync(join(repoRoot, file), join(dir, file));
  const projects = ["tooling", ...["apps", "packages"].flatMap((group) => readdirSync(join(repoRoot, group)).map((name) => `${group}/${name}`))];
  for (const project of projects.filter((p) => existsSync(join(repoRoot, p, "package.json")))) {
    mkdirSync(join(dir, project), { recursive: true });
    cpSync(join(repoRoot, project, "package.json"), join(dir, project, "package.json"));
  }
  mkdirSync(join(dir, "scripts/stack"), { recursive: true });
  writeFileSync(join(dir, "scripts/stack/bootstrap.mjs"), `console.log(${JSON.stringify(LAUNCHER_REACHED)}, process.argv.slice(2).join(" "));\n`);
  return dir;
}

function runPnpm(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  // A new user's shell: none of the install settings the launcher and CI set.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: "1" };
  return new Promise((resolve) => {
    execFile("pnpm", args, { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe("first pnpm dev on a fresh clone", () => {
  const clones: string[] = [];
  afterAll(() => {
    for (const dir of clones) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the launcher without pnpm installing first, so no node-gyp error is printed", async () => {
    const clone = freshClone();
    clones.push(clone);
    const { code, output } = await runPnpm(clone, ["dev", "--help"]);
    expect(output, output).toContain(`${LAUNCHER_REACHED} --dev --help`);
    expect(output, output).not.toMatch(/gyp ERR|ERR_PNPM|Progress: resolved/);
    expect(code, output).toBe(0);
    expect(existsSync(join(clone, "node_modules")), "pnpm installed before the launcher").toBe(false);
  });
});
