import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { topics } from "@edgelens/shared/topics";
import { FAST_CONFIG } from "./support/agent-process";
import { startAgentStack, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";
import { peopleCounter, vtestSource } from "./support/projects";

/** Passes its trial (the first frame), then throws on every frame. */
const THROWS_AFTER_TRIAL_SOURCE = `
import { defineProject } from "@edgelens/vision/project";
let n = 0;
export default defineProject({
  infer(frame) {
    n += 1;
    if (n > 1) throw new Error("infer broke after the trial on purpose");
    return { counts: { frames: n } };
  },
});
`;

/** Takes 256 MiB of resident memory per frame and keeps it. */
const HOARD_SOURCE = `
const keep: Uint8Array[] = [];
export default {
  infer() {
    const block = new Uint8Array(256 * 1024 * 1024);
    block.fill(1);
    keep.push(block);
    return { counts: { held: keep.length } };
  },
};
`;

/** Reads the device file (its secret), runs a command as the agent's user, publishes both. */
const stealSource = (deviceFile: string) => `
import { defineProject } from "@edgelens/vision/project";
export default defineProject({
  infer() {
    const secret = process.getBuiltinModule("node:fs").readFileSync(${JSON.stringify(deviceFile)}, "utf8");
    const id = process.getBuiltinModule("node:child_process").execSync("id").toString();
    return { counts: { stolen: 1 }, extra: { secret, id } };
  },
});
`;

/**
 * Attacks on a real agent (real broker, real agent process) by whoever can write its
 * `shadow/desired` (an admin's MQTT token, see docs/production.md "Security").
 */
describe("agent security", () => {
  let stack: AgentStack;
  let thief: Server;
  let thiefUrl = "";
  const stolen: string[] = [];

  beforeAll(async () => {
    thief = createServer((req, res) => {
      stolen.push(req.headers.authorization ?? "(none)");
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => thief.listen(0, "127.0.0.1", resolve));
    thiefUrl = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`;
    stack = await startAgentStack("cam-sec-1");
    // A low memory bound for functions: the memory attack below crosses it on its first frame.
    await stack.startAgent({ ...FAST_CONFIG, functions: { maxRssMb: 300 } });
  });

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => thief?.close(resolve));
  });

  it("refuses an artifact url off its console origin and never sends its secret there", async () => {
    const good = await peopleCounter(stack.artifacts, "dep-steal");
    const hostile = { ...good, function: { ...good.function!, url: `${thiefUrl}/api/artifacts/${good.function!.sha256}` } };
    await stack.deploy(hostile);
    const failed = await stack.waitForState("dep-steal", "failed");
    expect(failed.code).toBe("FORBIDDEN");
    expect(failed.reason).toContain(thiefUrl);
    expect(failed.reason).toContain("only to its console");
    expect(stolen).toEqual([]);
  });

  it("runs a function that reads the device file and spawns commands in its sandbox: refused, its trial fails, nothing is published", async () => {
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-hostile",
      projectId: "hostile",
      functionSource: stealSource(stack.deviceFile),
      models: {},
      config: { source: vtestSource(), fps: 10 },
    });
    await stack.deploy(desired);
    const failed = await stack.waitForState("dep-hostile", "failed");
    expect(failed.code).toBe("FUNCTION_FAILED");
    expect(failed.reason).toContain(`the function sandbox refused FileSystemRead on ${stack.deviceFile}`);
    expect(stack.results("dep-hostile")).toEqual([]);
    expect(JSON.stringify(stack.observer.json(topics.infer(stack.deviceId)))).not.toContain("secret-0123456789");
  });

  it("kills a function whose memory passes the agent's RSS bound during its trial: the deployment fails with the figure", async () => {
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-hoard",
      projectId: "hoard",
      functionSource: HOARD_SOURCE,
      models: {},
      config: { source: vtestSource(), fps: 10 },
    });
    await stack.deploy(desired);
    const failed = await stack.waitForState("dep-hoard", "failed");
    expect(failed.code).toBe("FUNCTION_FAILED");
    expect(failed.reason).toMatch(/the function used \d+ MB of memory \(RSS\), over its 300 MB limit/);
    expect(stack.results("dep-hoard")).toEqual([]);
  });

  it("reports a project that fails on most frames after its trial as degraded, with the last error", async () => {
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-throws",
      projectId: "throws-after-trial",
      functionSource: THROWS_AFTER_TRIAL_SOURCE,
      models: {},
      config: { source: vtestSource(), fps: 10 },
    });
    await stack.deploy(desired);
    await stack.waitForState("dep-throws", "running");
    const degraded = await stack.waitForState("dep-throws", "degraded");
    expect(degraded.code).toBe("FUNCTION_FAILED");
    expect(degraded.reason).toContain("infer broke after the trial on purpose");
    await stack.observer.until(
      () => stack.reported().some((r) => r.deploymentId === "dep-throws" && r.state === "degraded" && r.lastError?.message.includes("infer broke") === true),
      () => `reported degraded; reported: ${JSON.stringify(stack.reported())}\n${stack.agentLog(40)}`,
    );
  });
});
