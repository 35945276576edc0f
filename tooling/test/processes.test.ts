import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { childEnv, startNodeEntry, startProcess, type ManagedProcess } from "@edgelens/tooling/processes";

const entry = join(import.meta.dirname, "support/signal-child.ts");
const started: ManagedProcess[] = [];
const start = (env: Record<string, string> = {}) => {
  const p = startNodeEntry("child", entry, [], { cwd: "/", env: childEnv(env), echo: false });
  started.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop(1000)));
});

describe("process harness", () => {
  it("runs a TypeScript entry as one node process that stops cleanly on SIGTERM", async () => {
    const p = start();
    const line = await p.waitForLine((l) => l.includes('"ready"'), 30_000);
    // The pid the entry prints is the child's own: no tsx wrapper between them to eat the signal.
    expect((JSON.parse(line) as { pid: number }).pid).toBe(p.child.pid);
    expect(await p.stop(10_000)).toEqual({ code: 0, signal: null });
    expect(p.stdout()).toContain("stopping");
    expect(p.stderr()).toBe("stderr line\n");
  });

  it("SIGKILLs a child that ignores SIGTERM once the grace is over", async () => {
    const p = start({ IGNORE_TERM: "1" });
    await p.waitForLine((l) => l.includes('"ready"'), 30_000);
    const t0 = Date.now();
    expect(await p.stop(300)).toEqual({ code: null, signal: "SIGKILL" });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("a readiness timeout names what it waited for and shows the output tail", async () => {
    const p = start();
    await expect(p.waitForLine((l) => l === "never", 1500, "the never line")).rejects.toThrow(/child: the never line not seen after 1500 ms[\s\S]*stderr line/);
  });

  it("a child that exits before its ready line fails the wait at once with its output", async () => {
    const p = startProcess("dies", process.execPath, ["-e", 'console.error("bad config: EDGELENS_X"); process.exit(3)'], { echo: false });
    started.push(p);
    await expect(p.waitForLine(() => true, 30_000, "the listening line")).rejects.toThrow(/dies exited \(3\) before the listening line[\s\S]*bad config: EDGELENS_X/);
  });

  it("a command that cannot start counts as exited instead of hanging", async () => {
    const p = startProcess("missing", "/nonexistent/binary", [], { echo: false });
    expect(await p.exitStatus).toEqual({ code: null, signal: null });
    expect(p.output()).toMatch(/ENOENT/);
  });
});
