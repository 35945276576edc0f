import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { devices, events } from "@edgelens/db";
import { DeviceFileSchema } from "@edgelens/shared";
import { getSampleModel } from "@edgelens/vision/models";
import { writeWeightsModel } from "@edgelens/vision/onnx";
import * as Res from "../src/server/http/api-responses";
import { DevicePageView } from "../src/server/http/openapi";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import { startBroker, type BrokerProcess } from "./support/broker";
import { startConsoleFixture, type ConsoleFixture } from "./support/console-fixture";
import { MiB, openUpload, sendUpload, sha256OfFile, waitFor, zeros } from "./support/raw-upload";
import { TEST_SECRET, tempContext } from "./support/temp-context";
import { filters, topics } from "@edgelens/shared/topics";

const humanModels = new URL("../../../packages/vision/node_modules/@vladmandic/human/models/", import.meta.url).pathname;

/** Every body is checked against the schema the OpenAPI document is generated from. */
function shaped<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return schema.parse(body);
}

describe("REST API /api/v1 over HTTP (real console + real broker)", () => {
  let broker: BrokerProcess;
  let f: ConsoleFixture;
  let dataDir: string;

  beforeAll(async () => {
    const seed = tempContext();
    dataDir = seed.dir;
    await closeContext(seed.ctx);
    broker = await startBroker(dataDir, TEST_SECRET);
    f = await startConsoleFixture("resources", { brokerUrl: broker.mqttUrl, wsPort: broker.wsPort, dataDir });
  });
  afterAll(async () => {
    await f?.close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registers, lists, renames and deregisters devices", async () => {
    const reg = await f.admin.post("/api/v1/devices", { id: "cam-api", name: "Lobby" });
    expect(reg.status).toBe(201);
    const body = shaped(Res.RegisteredDevice, reg.body);
    expect(DeviceFileSchema.parse(body.deviceFile).brokerUrl).toBe(broker.mqttUrl);
    const bad = await f.admin.post("/api/v1/devices", { id: "No Good" });
    expect(bad.status).toBe(400);
    expect(shaped(Res.ErrorResponse, bad.body).error.message).toMatch(/^id: device id must be/);
    expect((await f.admin.post("/api/v1/devices", { id: "cam-api" })).status).toBe(409);
    expect((await f.admin.post("/api/v1/devices", "{", { "content-type": "application/json" })).status).toBe(400);
    shaped(z.object({ devices: z.array(Res.DeviceView) }), (await f.admin.get("/api/v1/devices")).body);
    const renamed = await f.admin.patch("/api/v1/devices/cam-api", { name: "Hall" });
    expect(shaped(z.object({ device: Res.DeviceView }), renamed.body).device.name).toBe("Hall");
    const stream = await f.admin.post("/api/v1/devices/cam-api/stream", { stream: "project", seconds: 5 });
    expect(stream.status).toBe(200);
    shaped(Res.StreamRequestResult, stream.body);
    const cmd = await f.admin.post("/api/v1/devices/cam-api/commands", { cmd: "snapshot" });
    expect(cmd.status).toBe(202);
    shaped(Res.CommandResult, cmd.body);
    expect((await f.admin.get("/api/v1/devices/ghost")).status).toBe(404);
  });

  it("adds, lists and removes a device's cameras; bad names and URIs are 400", async () => {
    const added = await f.admin.post("/api/v1/devices/cam-api/cameras", { name: "gate", uri: "rtsp://u:secret@10.0.0.9/s" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(shaped(z.object({ camera: Res.CameraView }), added.body).camera).toMatchObject({ name: "gate", uri: "rtsp://u:***@10.0.0.9/s" });
    const bad = await f.admin.post("/api/v1/devices/cam-api/cameras", { name: "gate", uri: "gopher://x" });
    expect(bad.status).toBe(400);
    expect(shaped(Res.ErrorResponse, bad.body).error.message).toMatch(/uri: camera URI scheme must be one of/);
    const listed = await f.admin.get("/api/v1/devices/cam-api/cameras");
    expect(shaped(z.object({ cameras: z.array(Res.CameraView) }), listed.body).cameras.map((c) => c.name)).toEqual(["gate"]);
    expect((await f.anonymous.delete("/api/v1/devices/cam-api/cameras/gate")).status).toBe(401);
    expect((await f.admin.delete("/api/v1/devices/cam-api/cameras/gate")).status).toBe(204);
    expect((await f.admin.delete("/api/v1/devices/cam-api/cameras/gate")).status).toBe(404);
  });

  it("pages and searches devices with ?q=&presence=&limit=&offset=, and refuses bad parameters with 400", async () => {
    const ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dataDir, EDGELENS_SECRET: TEST_SECRET }));
    ctx.handle.sqlite.transaction(() => {
      for (let i = 0; i < 120; i++) ctx.db.insert(devices).values({ id: `yard-${String(i).padStart(3, "0")}`, name: `Yard ${i}`, secretHash: "unused", presence: i % 2 ? "offline" : "online" }).run();
    })();
    await closeContext(ctx);
    const all = shaped(z.object({ devices: z.array(Res.DeviceView) }), (await f.admin.get("/api/v1/devices")).body).devices;
    const yard = all.filter((d) => d.id.startsWith("yard-")).map((d) => d.id);
    expect(yard).toHaveLength(120);
    const page = shaped(DevicePageView, (await f.admin.get("/api/v1/devices?q=YARD&limit=50&offset=50")).body);
    expect(page).toMatchObject({ total: 120, limit: 50, offset: 50 });
    expect(page.items.map((d) => d.id)).toEqual(yard.slice(50, 100));
    const online = shaped(DevicePageView, (await f.admin.get("/api/v1/devices?q=yard&presence=online&limit=200")).body);
    expect(online.total).toBe(60);
    expect(online.items.every((d) => d.presence === "online" && d.id.startsWith("yard-"))).toBe(true);
    const first = shaped(DevicePageView, (await f.admin.get("/api/v1/devices?offset=0")).body);
    expect(first).toMatchObject({ total: all.length, limit: 50, offset: 0 });
    expect(first.items.map((d) => d.id)).toEqual(all.slice(0, 50).map((d) => d.id));
    expect(shaped(DevicePageView, (await f.admin.get("/api/v1/devices?q=nothing-like-this")).body)).toMatchObject({ items: [], total: 0 });
    for (const bad of ["limit=0", "limit=201", "limit=ten", "offset=-1", "presence=away"]) {
      const res = await f.admin.get(`/api/v1/devices?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(shaped(Res.ErrorResponse, res.body).error, bad).toMatchObject({ code: "INVALID_PAYLOAD", message: expect.stringContaining(bad.split("=")[0]!) });
    }
  });

  it("imports a raw ONNX upload, and refuses a corrupt one leaving nothing behind", async () => {
    const model = getSampleModel("blazeface");
    const ok = await f.admin.post("/api/v1/models?name=faces", new Uint8Array(readFileSync(model.path)), { "content-type": "application/octet-stream" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(shaped(z.object({ version: Res.ModelVersionView }), ok.body).version.sha256).toBe(model.sha256);
    const artifactsBefore = readdirSync(join(dataDir, "artifacts")).flatMap((d) => readdirSync(join(dataDir, "artifacts", d)));
    const corrupt = await f.admin.post("/api/v1/models?name=junk", new Uint8Array(Buffer.from("definitely not onnx".repeat(100))), { "content-type": "application/octet-stream" });
    expect(corrupt.status).toBe(422);
    expect(shaped(Res.ErrorResponse, corrupt.body).error).toMatchObject({ code: "INVALID_MODEL", message: expect.stringMatching(/not (a loadable )?.*ONNX model/) });
    expect(readdirSync(join(dataDir, "artifacts")).flatMap((d) => readdirSync(join(dataDir, "artifacts", d)))).toEqual(artifactsBefore);
    expect(readdirSync(join(dataDir, "uploads"))).toEqual([]);
    const models = shaped(z.object({ models: z.array(Res.ModelView) }), (await f.admin.get("/api/v1/models")).body).models;
    expect(models.map((m) => m.name)).toEqual(["faces"]);
  });

  it("converts an uploaded TF.js model in a job with progress", async () => {
    const up = await f.admin.post<{ uploadId: string }>("/api/v1/uploads");
    expect(up.status).toBe(201);
    for (const name of ["blazeface.json", "blazeface.bin"]) {
      const put = await f.admin.put(`/api/v1/uploads/${up.body.uploadId}/${name}`, new Uint8Array(readFileSync(join(humanModels, name))), { "content-type": "application/octet-stream" });
      expect(put.status).toBe(201);
    }
    const start = await f.admin.post("/api/v1/models", { name: "blazeface-upload", uploadId: up.body.uploadId, format: "tfjs" });
    expect(start.status).toBe(202);
    let job = shaped(z.object({ job: Res.JobView }), start.body).job;
    while (job.state === "running") {
      await new Promise((r) => setTimeout(r, 200));
      job = shaped(z.object({ job: Res.JobView }), (await f.admin.get(`/api/v1/jobs/${job.id}`)).body).job;
    }
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ state: "succeeded", progress: { pct: 100 } });
    expect(Res.ModelVersionView.parse(job.result).format).toBe("tfjs");
    expect(readdirSync(join(dataDir, "uploads"))).toEqual([]);
  });

  it("creates projects, answers a compile error with 422 and its line, deploys and shows the timeline", async () => {
    const created = await f.admin.post("/api/v1/projects", { name: "lobby faces", template: "face-detection" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const project = shaped(z.object({ project: Res.ProjectDetail }), created.body).project;
    const broken = await f.admin.post(`/api/v1/projects/${project.id}/versions`, { functionSource: "export default {\n  infer( {\n};\n" });
    expect(broken.status).toBe(422);
    expect(shaped(Res.ErrorResponse, broken.body).error).toMatchObject({ code: "COMPILE_FAILED", context: { line: expect.any(Number), column: expect.any(Number) } });
    // Zones (docs/design.md "Zones"): a bad polygon is refused with 400 naming the zone, and no version is made.
    for (const [zones, message] of [
      [[{ name: "door", points: [[0, 0], [1, 1], [1, 0], [0, 1]] }], 'zone "door": edges 1 and 3 cross'],
      [[{ name: "door", points: [[0, 0], [1, 1]] }], 'zone "door": a polygon needs at least 3 points'],
    ] as const) {
      const bad = await f.admin.post(`/api/v1/projects/${project.id}/versions`, { config: { zones } });
      expect(bad.status).toBe(400);
      expect(shaped(Res.ErrorResponse, bad.body).error).toMatchObject({ code: "INVALID_CONFIG", message: expect.stringContaining(message), context: { projectId: project.id, zone: "door" } });
    }
    const badNew = await f.admin.post("/api/v1/projects", { name: "bad zones", template: "people-counter", config: { zones: [{ name: "a", points: [[0, 0], [2, 0], [0, 1]] }] } });
    expect(badNew.status).toBe(400);
    expect(shaped(Res.ErrorResponse, badNew.body).error.message).toContain('zone "a": point 2 [2,0] is outside 0..1');
    const zones = [{ name: "door", points: [[0.1, 0.5], [0.4, 0.5], [0.4, 1], [0.1, 1]] }];
    const saved = await f.admin.post(`/api/v1/projects/${project.id}/versions`, { config: { source: "/media/person.jpg", fps: 3, zones } });
    const savedVersion = shaped(z.object({ version: Res.ProjectVersionView }), saved.body).version;
    expect(savedVersion).toMatchObject({ version: 2, config: { zones } });

    const dep = await f.admin.post("/api/v1/deployments", { projectId: project.id, deviceIds: ["cam-api"] });
    expect(dep.status).toBe(201);
    const [deployment] = shaped(z.object({ deployments: z.array(Res.DeploymentView) }), dep.body).deployments;
    expect(deployment).toMatchObject({ state: "queued", projectVersion: 2, createdBy: "admin@test.local" });
    const detail = shaped(z.object({ deployment: Res.DeploymentDetail }), (await f.admin.get(`/api/v1/deployments/${deployment!.id}`)).body).deployment;
    expect(detail.events.map((e) => e.state)).toEqual(["queued"]);
    expect(detail.desired?.config).toMatchObject({ source: "/media/person.jpg", fps: 3, zones });
    const removal = await f.admin.post("/api/v1/deployments", { projectId: null, deviceIds: ["cam-api"] });
    expect(shaped(z.object({ deployments: z.array(Res.DeploymentView) }), removal.body).deployments[0]?.projectId).toBeNull();
    const listed = shaped(z.object({ deployments: z.array(Res.DeploymentView) }), (await f.admin.get("/api/v1/deployments?deviceId=cam-api&limit=1")).body);
    expect(listed.deployments).toHaveLength(1);
    shaped(z.object({ templates: z.array(Res.TemplateView) }), (await f.admin.get("/api/v1/templates")).body);
  });

  it("manages and tests rules", async () => {
    const created = await f.admin.post("/api/v1/rules", { name: "crowd", sql: `SELECT * FROM '${filters.allOf("infer")}' WHERE counts.person > 2`, actions: [{ type: "store" }] });
    expect(created.status).toBe(201);
    const rule = shaped(z.object({ rule: Res.RuleView }), created.body).rule;
    const off = await f.admin.patch(`/api/v1/rules/${rule.id}`, { enabled: false });
    expect(shaped(z.object({ rule: Res.RuleView }), off.body).rule.enabled).toBe(false);
    const bad = await f.admin.post("/api/v1/rules", { name: "bad", sql: "SELECT * FROM", actions: [{ type: "store" }] });
    expect(bad.status).toBe(400);
    expect(shaped(Res.ErrorResponse, bad.body).error.code).toBe("RULE_PARSE_ERROR");
    const test = await f.admin.post("/api/v1/rules/test", { sql: rule.sql, topic: topics.infer("cam-api"), payload: { counts: { person: 3 } } });
    expect(shaped(z.object({ result: Res.RuleTestResultView }), test.body).result).toMatchObject({ ok: true, matched: true });
    expect((await f.admin.delete(`/api/v1/rules/${rule.id}`)).status).toBe(204);
  });

  it("lists events as JSON and CSV, and dashboard figures", async () => {
    const ctx = createContext(loadConsoleConfig({ EDGELENS_DATA_DIR: dataDir, EDGELENS_SECRET: TEST_SECRET }));
    ctx.db.insert(events).values([1, 2, 3].map((i) => ({ ruleName: "crowd", topic: topics.infer("cam-api"), deviceId: "cam-api", labels: "person", payload: { n: i }, ts: Date.now() - (4 - i) * 1000 }))).run();
    await closeContext(ctx);
    const page = shaped(z.object({ events: z.array(Res.EventView), nextBeforeId: z.number().nullable() }), (await f.admin.get("/api/v1/events?deviceId=cam-api&limit=2")).body);
    expect(page.events.map((e) => e.payload.n)).toEqual([3, 2]);
    const csv = await f.admin.get("/api/v1/events?format=csv&label=person");
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(String(csv.body).trimEnd().split("\r\n")).toHaveLength(4);
    const stats = shaped(z.object({ stats: Res.DashboardStatsView }), (await f.admin.get("/api/v1/dashboard")).body).stats;
    const devices = shaped(z.object({ devices: z.array(Res.DeviceView) }), (await f.admin.get("/api/v1/devices")).body).devices;
    expect(stats.devices.total).toBe(devices.length);
    expect(stats.eventsPerMinute.reduce((a, b) => a + b.events, 0)).toBe(3);
  });

  it("describes itself in OpenAPI 3.1, one entry per route", async () => {
    const doc = (await f.anonymous.get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>("/api/v1/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    const routes = readdirSync(new URL("../src/app/api/v1/", import.meta.url), { recursive: true })
      .map(String)
      .filter((p) => p.endsWith("route.ts") && !p.startsWith("openapi.json"))
      .map((p) => `/${p.replace(/\/?route\.ts$/, "").replace(/\[(\w+)\]/g, "{$1}")}`);
    expect(Object.keys(doc.paths).sort()).toEqual(routes.sort());
    expect(doc.paths["/devices"]).toHaveProperty("post.requestBody.content.application/json.schema.properties.id");
    const listParams = (doc.paths["/devices"]?.get as { parameters: Array<{ name: string; in: string }> }).parameters;
    expect(listParams.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["q", "presence", "limit", "offset"]);
  });

  describe("streamed uploads (issue 13.12)", () => {
    const uploadsDir = () => join(dataDir, "uploads");
    const newUpload = async () => (await f.admin.post<{ uploadId: string }>("/api/v1/uploads")).body.uploadId;

    it("imports a 64 MiB model sent as one streamed request, with the hash of its bytes", async () => {
      const file = join(dataDir, "big-source.onnx");
      const { size } = await writeWeightsModel(file, 16 * MiB);
      try {
        const res = await sendUpload(openUpload(f.server.url, f.admin.cookie, "POST", "/api/v1/models?name=big", { "content-length": String(size) }), createReadStream(file));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body.version).toMatchObject({ sha256: await sha256OfFile(file), size, inputs: [{ name: "x", type: "float32", shape: [1, 16 * MiB] }] });
        expect(readdirSync(uploadsDir())).toEqual([]);
      } finally {
        rmSync(file, { force: true });
      }
    });

    it("refuses a body whose Content-Length is over EDGELENS_MAX_UPLOAD_MB with 413 before reading it, keeping no file", async () => {
      const id = await newUpload();
      const res = await sendUpload(openUpload(f.server.url, f.admin.cookie, "PUT", `/api/v1/uploads/${id}/model.onnx`, { "content-length": String(1025 * MiB) }), zeros(MiB));
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: "TOO_LARGE" });
      expect(readdirSync(join(uploadsDir(), id))).toEqual([]);
    });

    it("a client that disconnects mid-upload leaves no file, partial or whole", async () => {
      const id = await newUpload();
      const target = join(uploadsDir(), id);
      const req = openUpload(f.server.url, f.admin.cookie, "PUT", `/api/v1/uploads/${id}/model.onnx`, { "content-length": String(60 * MiB) });
      req.on("error", () => undefined);
      const chunk = Buffer.alloc(MiB);
      for (let i = 0; i < 20; i++) if (!req.write(chunk)) await new Promise((resolve) => req.once("drain", resolve));
      // The console has started writing: some file is there, growing.
      await waitFor("the upload to reach the disk", () => readdirSync(target).some((name) => statSync(join(target, name)).size > 0));
      req.destroy();
      await waitFor("the partial upload to be removed", () => readdirSync(target).length === 0);
      expect(existsSync(join(target, "model.onnx"))).toBe(false);
    });
  });
});
