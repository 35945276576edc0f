import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * docs/production.md and the systemd units cannot drift from the code silently: every unit's
 * command, working directory and script exist (bundles after a real `scripts/bundle.ts` build),
 * every configuration key the docs and units name is a key of an app's env schema, and every
 * repository path the docs name exists. `systemd-analyze verify` checks the unit syntax where
 * it is installed.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const INSTALL = "/opt/edgelens";
const doc = readFileSync(join(root, "docs/production.md"), "utf8");
const run = promisify(execFile);

interface Unit {
  file: string;
  /** `Section.Key` -> values in order (keys may repeat). */
  keys: Map<string, string[]>;
}

function parseUnit(file: string): Unit {
  const keys = new Map<string, string[]>();
  let section = "";
  const text = readFileSync(file, "utf8").replace(/\\\n/g, " ");
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? "";
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`${file}: not key=value: ${line}`);
    const key = `${section}.${line.slice(0, eq).trim()}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return { file, keys };
}

const one = (unit: Unit, key: string): string | undefined => unit.keys.get(key)?.at(-1);
const all = (unit: Unit, key: string): string[] => unit.keys.get(key) ?? [];

const unitDirs = [join(root, "deploy/systemd"), join(root, "apps/agent/systemd")];
const units = unitDirs.flatMap((dir) => readdirSync(dir).filter((f) => /\.(service|timer)$/.test(f)).map((f) => parseUnit(join(dir, f))));
const services = units.filter((u) => u.file.endsWith(".service"));

/** Fenced blocks of the doc whose first line is `# <path>`: the example configuration files. */
function exampleFiles(): Map<string, Map<string, string>> {
  const files = new Map<string, Map<string, string>>();
  for (const block of doc.matchAll(/```\w*\n([\s\S]*?)```/g)) {
    const lines = (block[1] ?? "").split("\n");
    const path = /^# (\/etc\/edgelens\/[\w.-]+)/.exec(lines[0] ?? "")?.[1];
    if (!path) continue;
    const entries = lines.filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const);
    files.set(path, new Map(entries));
  }
  return files;
}

function schemaKeys(file: string): Set<string> {
  return new Set([...readFileSync(join(root, file), "utf8").matchAll(/^\s*(EDGELENS_[A-Z0-9_]+):/gm)].map((m) => m[1] ?? ""));
}
/** The shared keys (packages/shared/src/env.ts) a part's createEnv names, plus its own. */
function partKeys(file: string): Set<string> {
  const text = readFileSync(join(root, file), "utf8");
  const shared = /shared: \[([^\]]*)\]/.exec(text)?.[1] ?? "";
  return new Set([...schemaKeys(file), ...[...shared.matchAll(/"(EDGELENS_[A-Z0-9_]+)"/g)].map((m) => m[1] ?? "")]);
}
const appKeys: Record<string, Set<string>> = {
  broker: partKeys("apps/broker/src/config.ts"),
  console: partKeys("apps/console/src/env.ts"),
  agent: partKeys("apps/agent/src/env.ts"),
};

/** The app a unit runs: the `apps/<name>/` of the script in its ExecStart. */
function appOf(unit: Unit): string {
  const app = /\/opt\/edgelens\/apps\/(\w+)\//.exec(one(unit, "Service.ExecStart") ?? "")?.[1];
  if (!app || !appKeys[app]) throw new Error(`${unit.file}: ExecStart runs no known app`);
  return app;
}

describe("systemd units and docs/production.md", () => {
  let bundles: string;

  beforeAll(async () => {
    bundles = mkdtempSync(join(tmpdir(), "edgelens-units-"));
    const tsx = join(root, "node_modules/.bin/tsx");
    for (const app of ["broker", "agent"]) await run(tsx, [join(root, "scripts/bundle.ts"), app, "--outdir", join(bundles, app)], { cwd: root });
  });
  afterAll(() => rmSync(bundles, { recursive: true, force: true }));

  /** An install path as it is in this checkout; apps/<app>/dist/* as the bundle build leaves it. */
  function inRepo(installPath: string): string {
    const rel = installPath.slice(INSTALL.length + 1);
    const dist = /^apps\/(\w+)\/dist\/(.+)$/.exec(rel);
    return dist ? join(bundles, dist[1] ?? "", dist[2] ?? "") : join(root, rel);
  }

  it("finds the units", () => {
    expect(units.map((u) => basename(u.file)).sort()).toEqual([
      "edgelens-agent.service",
      "edgelens-backup.service",
      "edgelens-backup.timer",
      "edgelens-broker.service",
      "edgelens-console.service",
    ]);
  });

  it.each(services.map((u) => [basename(u.file), u] as const))("%s: its command, working directory and paths exist", (_name, unit) => {
    const words = (one(unit, "Service.ExecStart") ?? "").split(/\s+/).filter(Boolean);
    expect(words[0], "ExecStart runs node by absolute path").toBe("/usr/bin/node");
    expect(existsSync(words[0] ?? "")).toBe(true);
    const cwd = one(unit, "Service.WorkingDirectory") ?? "";
    expect(cwd.startsWith(INSTALL), "WorkingDirectory is in the checkout").toBe(true);
    expect(existsSync(inRepo(cwd)), cwd).toBe(true);
    const paths = words.filter((w) => w.startsWith(`${INSTALL}/`));
    expect(paths.length, "ExecStart names its script by absolute path").toBeGreaterThan(0);
    for (const p of paths) expect(existsSync(inRepo(p)), `${p} -> ${inRepo(p)}`).toBe(true);
    if (words.includes("--import")) expect(words[words.indexOf("--import") + 1]).toBe("tsx");
    if (words.includes("tsx")) expect(() => createRequire(join(inRepo(cwd), "unit.js")).resolve("tsx/package.json"), "tsx resolves from WorkingDirectory").not.toThrow();
    // ${VAR} in a command must be set by the unit itself, never expand to nothing.
    const defined = all(unit, "Service.Environment").flatMap((e) => e.split(/\s+/).map((kv) => kv.slice(0, kv.indexOf("="))));
    for (const v of (one(unit, "Service.ExecStart") ?? "").matchAll(/\$\{(\w+)\}/g)) expect(defined, `${v[1]} has a default in Environment=`).toContain(v[1]);
    expect(one(unit, "Service.User")).toBe("edgelens");
  });

  it.each(services.filter((u) => u.file.includes("/deploy/")).map((u) => [basename(u.file), u] as const))("%s: hardening and the data dir", (_name, unit) => {
    const dataDir = exampleFiles().get("/etc/edgelens/edgelens.env")?.get("EDGELENS_DATA_DIR");
    expect(dataDir).toBe("/var/lib/edgelens");
    expect(one(unit, "Service.NoNewPrivileges")).toBe("yes");
    expect(one(unit, "Service.ProtectSystem")).toBe("strict");
    expect(one(unit, "Service.PrivateTmp")).toBe("yes");
    expect(all(unit, "Service.ReadWritePaths").join(" ").split(/\s+/)).toContain(dataDir);
    expect(all(unit, "Service.EnvironmentFile")[0]).toBe("/etc/edgelens/edgelens.env");
    if (one(unit, "Service.Type") !== "oneshot") expect(one(unit, "Service.Restart")).toBe("on-failure");
  });

  it("every environment file a unit reads is shown in the docs, with keys of the apps that read it", () => {
    const examples = exampleFiles();
    const readers = new Map<string, Set<string>>();
    for (const unit of services) {
      for (const entry of all(unit, "Service.EnvironmentFile")) {
        const path = entry.replace(/^-/, "");
        readers.set(path, new Set([...(readers.get(path) ?? []), appOf(unit)]));
      }
    }
    for (const [path, apps] of readers) {
      const example = examples.get(path);
      expect(example, `docs/production.md shows ${path} in a block starting "# ${path}"`).toBeDefined();
      for (const key of example?.keys() ?? []) {
        if (/^NODE_[A-Z_]+$/.test(key)) continue;
        const known = [...apps].filter((app) => appKeys[app]?.has(key));
        expect(known, `${path}: ${key} is a key of ${[...apps].join(" or ")}`).not.toEqual([]);
      }
    }
  });

  it("every EDGELENS_* variable the docs name exists", () => {
    const known = new Set(Object.values(appKeys).flatMap((s) => [...s]));
    const named = new Set([...doc.matchAll(/\bEDGELENS_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]));
    expect([...named].filter((k) => !known.has(k))).toEqual([]);
    expect(named.size).toBeGreaterThan(10);
  });

  it("every repository path the docs, units and scripts name exists", () => {
    const texts = [doc, readFileSync(join(root, "deploy/bin/edgelens"), "utf8"), ...units.map((u) => readFileSync(u.file, "utf8"))];
    const installPaths = texts.flatMap((t) => [...t.matchAll(/\/opt\/edgelens\/[\w./@-]*[\w]/g)].map((m) => m[0]));
    const repoPaths = [...doc.matchAll(/`((?:apps|packages|deploy|docs|scripts|tooling)\/[\w./@-]*\w)`/g)].map((m) => `${INSTALL}/${m[1]}`);
    const missing = [...new Set([...installPaths, ...repoPaths])].filter((p) => !existsSync(inRepo(p)));
    expect(missing).toEqual([]);
    expect(installPaths.length).toBeGreaterThan(10);
  });

  it("each timer starts a unit that exists", () => {
    for (const timer of units.filter((u) => u.file.endsWith(".timer"))) {
      expect(existsSync(timer.file.replace(/\.timer$/, ".service")), timer.file).toBe(true);
      expect(one(timer, "Timer.OnCalendar")).toBeTruthy();
    }
  });

  const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
  it.skipIf(!analyze)("systemd-analyze verify accepts every unit without a warning", () => {
    for (const unit of units) {
      // Unknown keys are only warnings (exit 0): any output at all fails.
      const r = spawnSync(analyze ?? "", ["verify", "--man=no", unit.file], { encoding: "utf8" });
      expect({ status: r.status, output: `${r.stdout}${r.stderr}` }, unit.file).toEqual({ status: 0, output: "" });
    }
  });
});
