import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactPath } from "@edgelens/db";
import { createProject, deleteProject, getProject, listProjects, saveProjectVersion } from "../src/server/services/projects";
import { listModels } from "../src/server/services/models";
import { listTemplates } from "../src/server/services/templates";
import { tempContext, type TempContext } from "./support/temp-context";

describe("projects", () => {
  let t: TempContext;
  beforeAll(() => {
    t = tempContext();
  });
  afterAll(async () => t.cleanup());

  it("lists the sample templates", () => {
    expect(listTemplates().map((x) => x.name).sort()).toEqual(["face-detection", "face-recognition", "head-pose", "hotdog", "object-detection", "people-counter", "pose", "text-detection", "text-reading"]);
  });

  it("creates a project from a template: imports its models, compiles the function, stores the bundle", async () => {
    const p = await createProject(t.ctx, { name: "Front door people", template: "people-counter", config: { source: "/videos/door.mp4" } });
    expect(p).toMatchObject({ id: "front-door-people", template: "people-counter", latestVersion: 1 });
    expect(p.latest?.config).toMatchObject({ source: "/videos/door.mp4", fps: 10 });
    expect(Object.keys(p.latest!.models)).toEqual(["detector"]);
    expect(listModels(t.ctx).map((m) => m.name)).toContain("centernet");
    expect(existsSync(artifactPath(t.ctx.paths, p.latest!.functionSha256))).toBe(true);
    expect(p.latest!.functionSize).toBeGreaterThan(100);
  });

  it("creates a project of several models from a template: text-reading carries the detector, the direction classifier and the recognizer", async () => {
    const p = await createProject(t.ctx, { name: "Gate plates", template: "text-reading", config: { pattern: "^[A-Z]{2}-?[0-9]{3}-?[A-Z]{2}$" } });
    expect(Object.keys(p.latest!.models).sort()).toEqual(["direction", "reader", "text"]);
    expect(listModels(t.ctx).map((m) => m.name)).toEqual(expect.arrayContaining(["ppocr-det", "ppocr-cls", "ppocr-rec"]));
    expect(p.latest?.config).toMatchObject({ pattern: "^[A-Z]{2}-?[0-9]{3}-?[A-Z]{2}$", minScore: 0.5 });
  });

  it("saves new versions and carries over what was not changed", async () => {
    const v2 = await saveProjectVersion(t.ctx, "front-door-people", { config: { source: "rtsp://cam/1", fps: 5 } });
    expect(v2.version).toBe(2);
    const p = getProject(t.ctx, "Front door people");
    expect(p.latestVersion).toBe(2);
    expect(p.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(v2.models).toEqual(p.versions[1]!.models);
    expect(v2.functionSha256).toBe(p.versions[1]!.functionSha256);
  });

  it("reports a compile error with line and column and saves nothing", async () => {
    const bad = `import { defineProject } from "@edgelens/vision/project";\nexport default defineProject({\n  async infer(frame) {\n    const w = ;\n    return { extra: { w } };\n  },\n});\n`;
    await expect(saveProjectVersion(t.ctx, "front-door-people", { functionSource: bad })).rejects.toMatchObject({
      code: "COMPILE_FAILED",
      context: { projectId: "front-door-people", line: 4, column: 15 },
    });
    expect(getProject(t.ctx, "front-door-people").latestVersion).toBe(2);
    await expect(createProject(t.ctx, { name: "broken", functionSource: "export default {" })).rejects.toMatchObject({ code: "COMPILE_FAILED" });
    expect(listProjects(t.ctx).map((p) => p.name)).not.toContain("broken");
  });

  it("creates a blank project, refuses duplicate names and unknown templates", async () => {
    const blank = await createProject(t.ctx, { name: "blank" });
    expect(blank.latest?.models).toEqual({});
    await expect(createProject(t.ctx, { name: "blank" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createProject(t.ctx, { name: "x", template: "teleport" })).rejects.toThrow(/no template "teleport"/);
    deleteProject(t.ctx, "blank");
    expect(() => getProject(t.ctx, "blank")).toThrow(/no project blank/);
  });
});
