/**
 * Rollouts over the real console server: the REST API, the engine the server runs, and the
 * rollout page. No broker on purpose: every desired state fails to publish, which the rollout
 * counts as failures, so the server's own engine aborts it by the threshold.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as Res from "../src/server/http/api-responses";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";

const RolloutBody = z.object({ rollout: Res.RolloutView }).strict();
const CreatedBody = z.object({ rollout: Res.CreatedRolloutView }).strict();

describe("rollouts over HTTP (real console, its rollout engine, the page)", () => {
  let f: ConsoleFixture;

  beforeAll(async () => {
    f = await startConsoleFixture("rollouts-api");
    for (const id of ["cam-a", "cam-b", "cam-c", "cam-d"]) expect((await f.admin.post("/api/v1/devices", { id })).status).toBe(201);
    expect((await f.admin.post("/api/v1/projects", { name: "faces", template: "face-detection" })).status).toBe(201);
  });
  afterAll(async () => {
    await f?.close();
  });

  it("starts a rollout that the server aborts by itself, shows it on its page, refuses moves that do not apply", async () => {
    const bad = await f.admin.post("/api/v1/rollouts", { projectId: "faces", deviceIds: ["cam-a"], params: { increase: 9 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("increase: between 1 and 5");
    const created = await f.admin.post("/api/v1/rollouts", { projectId: "faces", deviceIds: ["cam-a", "cam-b", "cam-c", "cam-d"], params: { batch: 2, abortFailuresPct: 50, abortMin: 2, soakS: 0 } });
    expect(created.status).toBe(201);
    const { rollout } = CreatedBody.parse(created.body);
    expect(rollout).toMatchObject({ state: "rolling", group: null, pinned: [], counts: { targeted: 4, pending: 4 } });
    let r: z.infer<typeof Res.RolloutView> = rollout;
    const deadline = Date.now() + 20_000;
    while (r.state !== "aborted" && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      r = RolloutBody.parse((await f.admin.get(`/api/v1/rollouts/${rollout.id}`)).body).rollout;
    }
    expect(r).toMatchObject({ state: "aborted", counts: { notified: 2, failed: 2, rolledBack: 0, pending: 2 } });
    expect(r.abortReason).toBe("2 of 2 finished devices failed (100% >= 50%, after at least 2)");
    expect(r.devices[0]!.reason).toMatch(/^desired state not published/);
    const page = await f.admin.get<string>(`/rollouts/${rollout.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Aborted: (<!-- -->)?2 of 2 finished devices failed \(100% &gt;= 50%/);
    expect(page.body).toContain('data-testid="rollout-counts"');
    expect(page.body.match(/data-testid="rollout-device"/g)).toHaveLength(4);
    const failedOnly = await f.admin.get<string>(`/rollouts/${rollout.id}?state=failed`);
    expect(failedOnly.body.match(/data-testid="rollout-device"/g)).toHaveLength(2);
    expect((await f.admin.patch(`/api/v1/rollouts/${rollout.id}`, { action: "pause" })).status).toBe(409);
    expect((await f.admin.get<string>("/rollouts")).body).toContain(rollout.id);
  });

  it("pauses and cancels through the API", async () => {
    const created = await f.admin.post("/api/v1/rollouts", { projectId: "faces", deviceIds: ["cam-a", "cam-b"], params: { batch: 1, soakS: 0 } });
    const { rollout } = CreatedBody.parse(created.body);
    const paused = RolloutBody.parse((await f.admin.patch(`/api/v1/rollouts/${rollout.id}`, { action: "pause" })).body).rollout;
    expect(paused.state).toBe("paused");
    const cancelled = RolloutBody.parse((await f.admin.patch(`/api/v1/rollouts/${rollout.id}`, { action: "cancel" })).body).rollout;
    expect(cancelled.state).toBe("cancelled");
    expect(cancelled.counts.pending + cancelled.counts.notified).toBe(2);
  });
});
