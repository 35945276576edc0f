import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogLine } from "@edgelens/shared/schemas";
import { topics } from "@edgelens/shared/topics";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";

const CHATTY_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
export default defineProject({
  infer(frame, ctx) {
    ctx.log.info("saw frame " + frame.seq);
    return null;
  },
});
`;

const RATE = 2;
const BURST = 3;

/** A function that logs on every frame cannot flood the broker: `logs` is rate limited, the loss counted. */
describe("logs rate limit", () => {
  let stack: AgentStack;

  beforeAll(async () => {
    stack = await startAgentStack("cam-logs-1");
    await stack.startAgent({ ...FAST_CONFIG, logs: { level: "info", ratePerSec: RATE, burst: BURST } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("sends at most burst + rate x time lines and says how many it suppressed", async () => {
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-chatty",
      projectId: "chatty",
      functionSource: CHATTY_SOURCE,
      models: {},
      config: { source: "testsrc://testsrc?size=64x48&rate=10", fps: 10 },
    });
    await stack.deploy(desired);
    await stack.waitForState("dep-chatty", "running");
    const logs = () => stack.observer.json<LogLine>(topics.logs(stack.deviceId));
    await stack.observer.until(() => logs().filter((l) => l.msg.startsWith("[project] saw frame")).length >= 8, "8 project log lines");
    const lines = logs();
    const spanS = (lines.at(-1)!.ts - lines[0]!.ts) / 1000;
    expect(lines.length).toBeLessThanOrEqual(BURST + RATE * spanS + 1);
    const suppressed = lines.find((l) => /\((\d+) earlier lines suppressed by the rate limit\)/.test(l.msg));
    expect(suppressed).toBeDefined();
    // Frames keep coming at 10 fps while only ~2 lines a second go out: most are suppressed.
    const counts = lines.map((l) => Number(/\((\d+) earlier lines suppressed/.exec(l.msg)?.[1] ?? 0));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(lines.length);
    expect(lines.every((l) => l.level === "info" || l.level === "warn" || l.level === "error")).toBe(true);
  });
});
