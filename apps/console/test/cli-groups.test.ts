/**
 * The group CLI's exact shapes (issue 17): `device tag`, `group create|list|show --json`,
 * `deploy --group --priority --json`, `device pin|unpin`, and its errors, against the real broker
 * and SQLite. Devices are registered without agents: what is checked is what the CLI prints and
 * what each device is told.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConsoleConfig } from "../src/env";
import { closeContext, createContext } from "../src/server/build-context";
import { registerDevice } from "../src/server/services/devices";
import { createProject } from "../src/server/services/projects";
import { startBroker, type BrokerProcess } from "./support/broker";
import { runCli } from "./support/cli";
import { TEST_SECRET } from "./support/temp-context";

describe("edgelens group / device tag / deploy --group / device pin", () => {
  let dir: string;
  let broker: BrokerProcess;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env, 90_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgelens-cli-groups-"));
    broker = await startBroker(dir, TEST_SECRET);
    env = { EDGELENS_DATA_DIR: dir, EDGELENS_SECRET: TEST_SECRET, EDGELENS_BROKER_URL: broker.mqttUrl };
    const ctx = createContext(loadConsoleConfig(env));
    try {
      for (const id of ["cam-g1", "cam-g2"]) await registerDevice(ctx, { id });
      await createProject(ctx, { name: "faces", template: "face-detection", config: { source: "/media/person.jpg" } });
    } finally {
      await closeContext(ctx);
    }
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tags, a dynamic group, group show/list --json, deploy --group --json; a device tagged later joins and gets it", async () => {
    const tag = await cli("device", "tag", "cam-g1", "site=berlin", "floor=1", "old=x");
    expect(tag.code, tag.stderr).toBe(0);
    expect(tag.stdout.trim()).toBe("cam-g1: floor=1 old=x site=berlin");
    const created = await cli("group", "create", "berlin", "--query", "site = 'berlin' AND floor IN ('1','2')");
    expect(created.code, created.stderr).toBe(0);
    const [show, deploy] = [await cli("group", "show", "berlin", "--json"), await cli("deploy", "faces", "--group", "berlin", "--priority", "3", "--json")];
    expect(JSON.parse(show.stdout)).toEqual({ name: "berlin", query: "site = 'berlin' AND floor IN ('1','2')", devices: ["cam-g1"] });
    expect(deploy.code, deploy.stderr).toBe(0);
    const out = JSON.parse(deploy.stdout) as { id: string; groupName: string; priority: number; projectName: string; deployments: { deviceId: string; groupDeploymentId: string }[] };
    expect(out).toMatchObject({ id: expect.stringMatching(/^gdp_/), groupName: "berlin", priority: 3, projectName: "faces", projectVersion: 1 });
    expect(out.deployments.map((d) => [d.deviceId, d.groupDeploymentId])).toEqual([["cam-g1", out.id]]);

    const [late, removed] = await Promise.all([cli("device", "tag", "cam-g2", "site=berlin", "floor=2", "--json"), cli("device", "tag", "cam-g1", "--remove", "old")]);
    expect(late.code, late.stderr).toBe(0);
    expect(JSON.parse(late.stdout)).toMatchObject({ id: "cam-g2", tags: { site: "berlin", floor: "2" }, deployments: [expect.stringMatching(/^dpl_/)] });
    expect(removed.stdout.trim()).toBe("cam-g1: floor=1 site=berlin");
    const list = await cli("group", "list", "--json");
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: "berlin", members: 2, query: "site = 'berlin' AND floor IN ('1','2')" })]);
  }, 180_000);

  it("pin to project@version and unpin", async () => {
    const pin = await cli("device", "pin", "cam-g2", "faces@1");
    expect(pin.code, pin.stderr).toBe(0);
    expect(pin.stdout).toMatch(/^cam-g2 pinned to faces v1 \(deployment dpl_\w+, queued\)/);
    const unpin = await cli("device", "unpin", "cam-g2");
    expect(unpin.code, unpin.stderr).toBe(0);
    // It followed berlin's deployment (faces v1) before the pin: nothing to send again.
    expect(unpin.stdout.trim()).toBe("cam-g2 unpinned");
  }, 120_000);

  it("bad input: a query that does not parse (column), an unknown group, a project that does not exist, a bad pin", async () => {
    const [query, group, project, pin, both] = await Promise.all([
      cli("group", "create", "bad", "--query", "site = 'berlin' AND"),
      cli("deploy", "faces", "--group", "nope"),
      cli("deploy", "ghost", "--group", "berlin"),
      cli("device", "pin", "cam-g1", "faces@zero"),
      cli("deploy", "faces", "--group", "berlin", "--device", "cam-g1"),
    ]);
    expect([query.code, query.stderr.trim()]).toEqual([1, "edgelens: INVALID_PAYLOAD: query does not parse at column 20: expected an expression but found end of input (column=20)"]);
    expect(group.stderr).toMatch(/no device group nope/);
    expect(project.stderr).toMatch(/no project ghost/);
    expect(pin.stderr).toMatch(/write <project>@<version>/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --device <id...> or --group <name>/);
  }, 120_000);
});
