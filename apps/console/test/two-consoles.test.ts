/**
 * Two console processes (`next start`) on one data dir, as behind a load balancer on one machine
 * (issue 18.3): an upload whose files go to different consoles, an import started on one whose
 * job the other answers for, with its progress and result, a session cookie from one accepted by
 * the other, and a job whose console process stopped reads as failed instead of running for ever.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { jobs } from "@edgelens/db";
import * as Res from "../src/server/http/api-responses";
import type { ServiceContext } from "../src/server/context";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { ApiClient } from "./support/http-client";
import { tempContext, type TempContext } from "./support/temp-context";

const humanModels = new URL("../../../packages/vision/node_modules/@vladmandic/human/models/", import.meta.url).pathname;
const JobBody = z.object({ job: Res.JobView });

describe("two console processes on one data dir", () => {
  let t: TempContext;
  let a: ConsoleFixture;
  let b: ConsoleFixture;
  let ctx: ServiceContext;

  beforeAll(async () => {
    t = tempContext();
    ctx = t.ctx;
    [a, b] = await Promise.all([startConsoleFixture("console-a", { dataDir: t.dir }), startConsoleFixture("console-b", { dataDir: t.dir })]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await t?.cleanup();
  });

  it("an import uploaded through both and started on one is followed to its end on the other", async () => {
    const up = await a.admin.post<{ uploadId: string }>("/api/v1/uploads");
    expect(up.status).toBe(201);
    const parts = [
      [a, "blazeface.json"],
      [b, "blazeface.bin"],
    ] as const;
    for (const [consoleProcess, name] of parts) {
      const put = await consoleProcess.admin.put(`/api/v1/uploads/${up.body.uploadId}/${name}`, new Uint8Array(readFileSync(join(humanModels, name))), { "content-type": "application/octet-stream" });
      expect(put.status, JSON.stringify(put.body)).toBe(201);
    }
    const start = await b.admin.post("/api/v1/models", { name: "faces-two-consoles", uploadId: up.body.uploadId, format: "tfjs" });
    expect(start.status, `${JSON.stringify(start.body)}\n${b.server.proc.output().slice(-3000)}`).toBe(202);
    let job = JobBody.parse(start.body).job;
    const deadline = Date.now() + 60_000;
    while (job.state === "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const polled = await a.admin.get(`/api/v1/jobs/${job.id}`);
      expect(polled.status, JSON.stringify(polled.body)).toBe(200);
      job = JobBody.parse(polled.body).job;
    }
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: "succeeded", progress: { phase: "done", pct: 100 } });
    // Whether a poll lands mid-way depends on the box's speed (CI once finished the import before
    // the first poll); that the other process reads a running job's progress is the next test's.
    const version = Res.ModelVersionView.parse(job.result);
    expect(version.format).toBe("tfjs");
    const models = z.object({ models: z.array(Res.ModelView) }).parse((await a.admin.get("/api/v1/models")).body).models;
    expect(models.map((m) => m.name)).toContain("faces-two-consoles");
  }, 120_000);

  it("a session signed in on one console is signed in on the other (no sticky sessions needed)", async () => {
    const onB = new ApiClient(b.server.url);
    expect((await onB.get("/api/v1/models")).status).toBe(401);
    onB.cookie = a.admin.cookie;
    const models = await onB.get("/api/v1/models");
    expect(models.status, JSON.stringify(models.body)).toBe(200);
  });

  it("a running job's progress, written by one process, is what the other answers", async () => {
    const now = Date.now();
    ctx.db.insert(jobs).values({ id: "job_moving", kind: "model-optimize", state: "running", phase: "calibrating", pct: 55, createdAt: now, updatedAt: now }).run();
    const job = JobBody.parse((await b.admin.get("/api/v1/jobs/job_moving")).body).job;
    expect(job).toMatchObject({ state: "running", progress: { phase: "calibrating", pct: 55 }, error: null });
  });

  it("a running job whose console stopped moving it reads as failed, naming why", async () => {
    const stale = Date.now() - 5 * 60_000;
    ctx.db.insert(jobs).values({ id: "job_orphaned", kind: "tfjs-import", state: "running", phase: "converting", pct: 40, createdAt: stale, updatedAt: stale }).run();
    const polled = await b.admin.get("/api/v1/jobs/job_orphaned");
    expect(polled.status).toBe(200);
    const job = JobBody.parse(polled.body).job;
    expect(job).toMatchObject({ state: "failed", progress: { phase: "converting", pct: 40 } });
    expect(job.error?.message).toMatch(/console process running this job stopped/);
  });
});
