import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentStack, seqGaps, type AgentStack } from "./support/agent-stack";
import { buildDesiredState } from "./support/desired-state";
import { FRAME_COUNTER_SOURCE } from "./support/projects";

interface Health {
  connected: boolean;
  spoolDepth: number;
  project: { deploymentId: string; processed: number } | null;
}

/**
 * Delivery while the device is cut off: results pile up in the on-disk spool and arrive once,
 * in order, when the broker is back, also across a kill -9 of the agent.
 */
describe("offline spool", () => {
  let stack: AgentStack;

  const waitForHealth = (predicate: (h: Health) => boolean, what: string): Promise<Health> => stack.waitForHealth(predicate, what);

  /**
   * All results of the deployment: seqs 0..n-1 in arrival order, none lost. QoS 1 is at least once
   * (docs/design.md "Delivery"): a result the broker delivered but whose PUBACK the cut link lost is
   * sent again, so a repeat is allowed of a result sent before the cut (`cutSeq`), and of no other.
   */
  const expectNoneLostInOrder = (id: string, cutSeq = -1): void => {
    const results = stack.results(id);
    expect(results[0]?.seq).toBe(0);
    const seen = new Set<number>();
    const firsts = results.filter((r) => {
      if (!seen.has(r.seq)) return seen.add(r.seq);
      expect(r.seq, `seq ${r.seq} arrived twice but was sent after the cut (${cutSeq})`).toBeLessThanOrEqual(cutSeq);
      return false;
    });
    expect(seqGaps(firsts)).toEqual([]);
  };

  beforeAll(async () => {
    stack = await startAgentStack("cam-offline-1");
    await stack.startAgent();
    const desired = await buildDesiredState(stack.artifacts, {
      deploymentId: "dep-off",
      projectId: "frame-counter",
      functionSource: FRAME_COUNTER_SOURCE,
      models: {},
      config: { source: "testsrc://testsrc?size=160x120&rate=10", fps: 5 },
    });
    await stack.deploy(desired);
    await stack.waitForState("dep-off", "running");
    await stack.waitForResults("dep-off", 3);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("fills the spool while the broker is down and drains it once, in order, when it is back", async () => {
    stack.gate.close();
    await stack.broker.stop();
    const before = stack.results("dep-off").length;
    const spooled = await waitForHealth((h) => !h.connected && h.spoolDepth >= 10, "10 results spooled while offline");
    expect(spooled.spoolDepth).toBeGreaterThanOrEqual(10);
    await stack.broker.restart();
    await stack.observer.resubscribe();
    await stack.gate.open();
    await stack.waitForResults("dep-off", before + spooled.spoolDepth + 2);
    expectNoneLostInOrder("dep-off", stack.results("dep-off")[before - 1]?.seq);
    await waitForHealth((h) => h.connected && h.spoolDepth < 5, "spool drained");
  });

  it("keeps what it spooled across a kill -9, and runs its project again from the cache without the network", async () => {
    stack.gate.close();
    const spooled = await waitForHealth((h) => !h.connected && h.spoolDepth >= 10, "10 results spooled while offline");
    const lastBefore = stack.results("dep-off").at(-1)!.seq;
    expect(await stack.agent!.kill9()).toBe("SIGKILL");

    // Restarted with the network still down: the project comes back from the cache alone.
    await stack.startAgent();
    const resumed = await waitForHealth((h) => h.project?.deploymentId === "dep-off" && h.project.processed >= 3, "the project running again offline");
    expect(resumed.connected).toBe(false);
    expect(resumed.spoolDepth).toBeGreaterThanOrEqual(spooled.spoolDepth + 3);

    await stack.gate.open();
    const expected = lastBefore + resumed.spoolDepth + 1;
    await stack.observer.until(() => (stack.results("dep-off").at(-1)?.seq ?? 0) >= expected, () => `seq ${expected} after the restart\n${stack.agentLog()}`);
    expectNoneLostInOrder("dep-off", lastBefore);
  });
});
