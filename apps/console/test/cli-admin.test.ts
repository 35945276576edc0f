import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceFileSchema } from "@edgelens/shared";
import { getSampleModel } from "@edgelens/vision/models";
import { runCli } from "./support/cli";
import { TEST_SECRET } from "./support/temp-context";
import { filters } from "@edgelens/shared/topics";

describe("edgelens admin CLI on a data dir (no broker needed)", () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-"));
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: "mqtt://127.0.0.1:9", EDGELENS_CONSOLE_URL: "http://console.test:3000" };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("registers a device and prints a device file the agent accepts", async () => {
    const r = await cli("device", "register", "cam-cli", "--name", "Porch");
    expect(r.code, r.stderr).toBe(0);
    const file = DeviceFileSchema.parse(JSON.parse(r.stdout));
    expect(file).toMatchObject({ deviceId: "cam-cli", brokerUrl: "mqtt://127.0.0.1:9", consoleUrl: "http://console.test:3000" });
  });

  it("writes the device file with --out (mode 600) and never overwrites one", async () => {
    const out = join(dir, "edgelens-device.json");
    const r = await cli("device", "register", "cam-out", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(DeviceFileSchema.parse(JSON.parse(readFileSync(out, "utf8"))).deviceId).toBe("cam-out");
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await cli("device", "register", "cam-out2", "--out", out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists.*nothing was registered/);
    const list = await cli("device", "list", "--json");
    expect((JSON.parse(list.stdout) as { id: string }[]).map((d) => d.id)).toEqual(["cam-cli", "cam-out"]);
  });

  it("names what is wrong and exits non-zero on bad input", async () => {
    const badId = await cli("device", "register", "Bad_Id");
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/INVALID_PAYLOAD: id: device id must be/);
    const dup = await cli("device", "register", "cam-cli");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/CONFLICT: device cam-cli is already registered/);
    const unknown = await cli("device", "lst");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'lst'/);
    const missing = await cli("deploy", "some-project");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--device/);
    const badConfig = await runCli(["device", "list"], { ...env, EDGELENS_CONSOLE_PORT: "lots" });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/EDGELENS_CONSOLE_PORT/);
  });

  it("has --help on every command", async () => {
    for (const args of [["--help"], ["deploy", "--help"], ["project", "create", "--help"]]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: edgelens/);
    }
  });

  it("imports a model, refusing a corrupt one", async () => {
    const ok = await cli("model", "import", getSampleModel("blazeface").path, "--name", "faces");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ version: 1, format: "onnx", sha256: getSampleModel("blazeface").sha256 });
    const bad = join(dir, "bad.onnx");
    writeFileSync(bad, "not a model");
    const r = await cli("model", "import", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_MODEL/);
    expect((await cli("model", "list")).stdout).not.toMatch(/^bad/m);
  });

  it("creates projects from templates, with a compile error pointing at the line", async () => {
    const r = await cli("project", "create", "--template", "face-detection", "--name", "Porch faces", "--source", "/media/person.jpg", "--config", '{"fps":2}');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: "porch-faces", latestVersion: 1, latest: { config: { source: "/media/person.jpg", fps: 2, threshold: 0.5 } } });
    const fn = join(dir, "broken.ts");
    writeFileSync(fn, "export default {\n  infer( {\n};\n");
    const broken = await cli("project", "create", "--name", "broken", "--function", fn);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/COMPILE_FAILED.*line=\d+ column=\d+/s);
    const badJson = await cli("project", "create", "--name", "x", "--config", "{fps:2}");
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/--config: not valid JSON/);
    const tpl = await cli("templates", "--json");
    expect((JSON.parse(tpl.stdout) as { name: string }[]).map((x) => x.name)).toContain("text-reading");
    expect((JSON.parse(tpl.stdout) as { name: string }[]).map((x) => x.name)).toContain("head-pose");
  });

  it("creates rules and users", async () => {
    const rule = await cli("rule", "create", "--name", "crowd", "--sql", `SELECT * FROM '${filters.allOf("infer")}' WHERE counts.person > 2`, "--action", '{"type":"store"}');
    expect(rule.code, rule.stderr).toBe(0);
    expect(JSON.parse(rule.stdout)).toMatchObject({ name: "crowd", enabled: true, actions: [{ type: "store" }] });
    const badSql = await cli("rule", "create", "--name", "bad", "--sql", "SELECT FROM", "--action", '{"type":"store"}');
    expect(badSql.code).toBe(1);
    expect(badSql.stderr).toMatch(/RULE_PARSE_ERROR/);
    const user = await cli("user", "create", "--email", "ops@example.com", "--password", "ops-password", "--role", "admin");
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ email: "ops@example.com", role: "admin" });
    const badRole = await cli("user", "create", "--email", "x@example.com", "--password", "password1", "--role", "root");
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/role/);
  });
});
