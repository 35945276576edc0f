import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { and, eq, isNotNull } from "drizzle-orm";
import { events, openDatabase, dataPaths } from "@edgelens/db";
import { filters, topics } from "@edgelens/shared/topics";
import { mediaPath } from "@edgelens/vision/media";
import { stopProcesses, type ManagedProcess } from "@edgelens/tooling/processes";
import { cli, cliOk, eventually, prepareStack, startAgent, startBroker, startConsole, type StackEnv } from "./support/stack";
import { missingSeqs, seqsOf, subscribeResults, type ResultSubscriber } from "./support/subscriber";

/**
 * Issue 7's end-to-end test, from nothing: broker and console on free ports with a fresh data
 * dir, a device registered with the CLI, an agent started with its device file playing the
 * sample video, a project created and deployed; results checked on a real subscriber and in
 * the events a `store` rule writes, with the agent's snapshot linked to events and served to a
 * signed-in user; the broker stopped for a while and restarted with no result
 * lost; a broken project deployed: it reads failed and the old one keeps running.
 */
const DEVICE = "cam-e2e";

const BROKEN_FUNCTION = `
import { defineProject } from "@edgelens/vision/project";
export default defineProject({
  models: ["detector"],
  setup() {
    throw new Error("calibration file missing (broken on purpose)");
  },
  infer() {
    return { counts: {} };
  },
});
`;

describe("the whole loop, from nothing", () => {
  let stack: StackEnv;
  let broker: ManagedProcess;
  let consoleProc: ManagedProcess;
  let agent: ManagedProcess;
  let sub: ResultSubscriber;
  let deploymentId = "";
  let afterRestart = 0;

  const logs = () =>
    [`--- agent ---\n${agent?.output().slice(-3000) ?? ""}`, `--- broker ---\n${broker?.output().slice(-2000) ?? ""}`].join("\n");

  function storedSeqs(): number[] {
    const handle = openDatabase(dataPaths(stack.dataDir).dbFile, { readonly: true });
    try {
      const rows = handle.db.select({ payload: events.payload }).from(events).where(eq(events.deviceId, DEVICE)).all();
      const seqs = rows
        .map((r) => r.payload as { seq?: unknown; deploymentId?: unknown })
        .filter((p) => p.deploymentId === deploymentId && typeof p.seq === "number")
        .map((p) => p.seq as number);
      return [...new Set(seqs)].sort((a, b) => a - b);
    } finally {
      handle.close();
    }
  }

  function snapshotOf(ruleName: string): string | null {
    const handle = openDatabase(dataPaths(stack.dataDir).dbFile, { readonly: true });
    try {
      const rows = handle.db.select({ sha: events.snapshotSha256 }).from(events).where(and(eq(events.ruleName, ruleName), isNotNull(events.snapshotSha256))).limit(1).all();
      return rows[0]?.sha ?? null;
    } finally {
      handle.close();
    }
  }

  beforeAll(async () => {
    stack = await prepareStack("whole-loop");
    broker = await startBroker(stack);
    consoleProc = await startConsole(stack);
  }, 900_000); // a standalone run builds the console first (the whole run builds it in the console projects' setup)

  afterAll(async () => {
    await sub?.close();
    await stopProcesses([agent, consoleProc, broker].filter((p): p is ManagedProcess => p !== undefined));
    stack?.cleanup();
  }, 60_000);

  it("registers a device, deploys people-counter, and delivers results to a subscriber and to stored events", async () => {
    const deviceFile = join(stack.dataDir, "device-e2e.json");
    await cliOk(stack, ["device", "register", DEVICE, "--name", "E2E camera", "--out", deviceFile]);
    const file = JSON.parse(readFileSync(deviceFile, "utf8")) as { deviceId: string; secret: string };
    expect(file.deviceId).toBe(DEVICE);
    expect(file.secret.length).toBeGreaterThan(16);

    // Every result stored, with the fields that let the test find gaps.
    await cliOk(stack, ["rule", "create", "--name", "store-all-results", "--sql", `SELECT deviceId, deploymentId, seq, counts FROM '${filters.allOf("infer")}'`, "--action", JSON.stringify({ type: "store" })]);
    // A picture beside every 10th result: the broker asks the agent for a snapshot and links it.
    await cliOk(stack, ["rule", "create", "--name", "snapshot-every-10th", "--sql", `SELECT deviceId, seq AS n FROM '${filters.allOf("infer")}' WHERE seq % 10 = 5`, "--action", JSON.stringify({ type: "store", snapshot: true })]);
    sub = await subscribeResults(stack, topics.infer(DEVICE), "e2e-results-subscriber");

    const agentDir = join(stack.dataDir, "agent");
    mkdirSync(agentDir, { recursive: true });
    agent = startAgent(stack, deviceFile, agentDir);

    await cliOk(stack, ["project", "create", "--template", "people-counter", "--name", "e2e-counter", "--source", `file://${mediaPath("vtest.avi")}?loop=1`, "--config", JSON.stringify({ fps: 4 })]);
    const deployed = await cli(stack, ["deploy", "e2e-counter", "--device", DEVICE, "--wait", "--timeout", "240", "--json"], 300_000);
    expect(deployed.code, `${deployed.stdout}\n${deployed.stderr}\n${logs()}`).toBe(0);
    const [dep] = JSON.parse(deployed.stdout) as { id: string; state: string }[];
    expect(dep?.state).toBe("running");
    deploymentId = dep!.id;
    // Progress went through every step on the way (the CLI prints it to stderr).
    expect(deployed.stderr).toMatch(/downloading/);
    expect(deployed.stderr).toMatch(/loading/);

    await eventually("10 results on the subscriber", () => (seqsOf(sub.results, deploymentId).length >= 10 ? true : undefined), 120_000, logs);
    const first = sub.results.find((r) => r.deploymentId === deploymentId)!;
    expect(first).toMatchObject({ deviceId: DEVICE, frame: { width: 768, height: 576 } });
    expect(sub.results.some((r) => (r.detections ?? []).some((d) => d.label === "person"))).toBe(true);
    expect(sub.invalid).toEqual([]);
    expect(missingSeqs(seqsOf(sub.results, deploymentId))).toEqual([]);

    await eventually("10 stored events", () => (storedSeqs().length >= 10 ? true : undefined), 60_000, logs);
    expect(missingSeqs(storedSeqs())).toEqual([]);

    const sha = await eventually("an event with a snapshot", () => snapshotOf("snapshot-every-10th") ?? undefined, 60_000, logs);
    const session = await fetch(`${stack.consoleUrl}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(stack.admin) });
    expect(session.status).toBe(200);
    const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0]!;
    const picture = await fetch(`${stack.consoleUrl}/api/v1/snapshots/${sha}`, { headers: { cookie } });
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/jpeg");
    const bytes = Buffer.from(await picture.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha);
  }, 600_000);

  it("loses no result while the broker is down for a while", async () => {
    const before = Math.max(...seqsOf(sub.results, deploymentId));
    const old = broker;
    await stopProcesses([broker]);
    expect(old.output(), "the broker's own log of its stop").toContain("broker stopped");
    // The agent keeps inferring into its spool: at 4 fps that is a few dozen results.
    await new Promise((r) => setTimeout(r, 8000));
    broker = await startBroker(stack);

    await eventually(
      "results produced during the outage, then 10 more",
      () => {
        const seqs = seqsOf(sub.results, deploymentId);
        return seqs.length > 0 && Math.max(...seqs) >= before + 40 ? true : undefined;
      },
      180_000,
      logs,
    );
    // Every result, before, during (spooled by the agent) and after the outage, is stored by
    // the rule and delivered to the persistent subscriber (QoS 1: at least once): no gap anywhere.
    await eventually("the stored events to catch up", () => (Math.max(-1, ...storedSeqs()) >= before + 40 ? true : undefined), 60_000, logs);
    expect(missingSeqs(storedSeqs()), logs()).toEqual([]);
    const delivered = seqsOf(sub.results, deploymentId);
    expect(missingSeqs(delivered), "seqs the persistent subscriber missed").toEqual([]);
    afterRestart = Math.max(...delivered);
  }, 300_000);

  it("fails a broken deployment and keeps the running project", async () => {
    const fnFile = join(stack.dataDir, "broken-function.ts");
    writeFileSync(fnFile, BROKEN_FUNCTION);
    await cliOk(stack, ["project", "create", "--template", "people-counter", "--name", "e2e-broken", "--function", fnFile, "--source", `file://${mediaPath("vtest.avi")}?loop=1`]);
    const broken = await cli(stack, ["deploy", "e2e-broken", "--device", DEVICE, "--wait", "--timeout", "240"], 300_000);
    expect(broken.code, `${broken.stdout}\n${broken.stderr}`).toBe(1);
    expect(broken.stderr).toContain("calibration file missing");

    // The old deployment still publishes, with no gap since the restart settled.
    const after = Math.max(...seqsOf(sub.results, deploymentId));
    await eventually("5 more results of the old deployment", () => (Math.max(...seqsOf(sub.results, deploymentId)) >= after + 5 ? true : undefined), 60_000, logs);
    expect(missingSeqs(seqsOf(sub.results, deploymentId)).filter((n) => n > afterRestart)).toEqual([]);
    expect(missingSeqs(storedSeqs()).filter((n) => n > afterRestart)).toEqual([]);

    type DeviceRow = { id: string; presence: string; deployment: { id: string; state: string; projectName: string | null } | null; latestDeployment: { id: string; state: string; reason: string | null } | null };
    const devices = JSON.parse(await cliOk(stack, ["device", "list", "--json"])) as DeviceRow[];
    const device = devices.find((d) => d.id === DEVICE);
    expect(device?.presence).toBe("online");
    expect(device?.deployment).toMatchObject({ id: deploymentId, state: "running", projectName: "e2e-counter" });
    // The newest deployment is the broken one, failed with the function's own words.
    expect(device?.latestDeployment?.id).not.toBe(deploymentId);
    expect(["failed", "rolled-back"]).toContain(device?.latestDeployment?.state);
    expect(device?.latestDeployment?.reason).toMatch(/calibration file missing|keeps running/);
  }, 400_000);
});
