/**
 * Console page response times with a fleet of 1000 registered devices: a fresh data dir, the
 * fleet seeded through the service layer (support/seed-fleet.ts), the console started as a
 * production server, built first when no build is newer than the sources (support/console-process.ts;
 * `--dev`: next dev; `--no-build`: next dev rather than a build), an admin signed in, warm-up
 * requests, then rounds of sequential GETs of `/` (dashboard), `/devices` (its first page of 50),
 * `/devices?q=camera 1&page=2` (a search, its second page), `/rollouts/{id}` (a rollout to every device; 100 rows a page), `/groups/{name}` (a group of every device; 50 members a page), `/api/v1/devices` (API token; every device,
 * the unpaged shape) and `/api/v1/devices?limit=50` (one page), each round also hitting
 * `/api/health` on the same server: the reference, a route that does no work. p50/p95/max per route.
 *
 * `--register N`: only the first N devices through `registerDevice` (scrypt dominates seeding; the
 * rest share one hash), for quick runs.
 *
 * Run: `pnpm --filter @edgelens/console exec tsx bench/pages.ts [--devices 1000] [--register 1000] [--events 3000]
 * [--requests 50] [--warmup 3] [--seconds 180] [--dev | --no-build] [--json out.json]`. JSON on stdout,
 * progress and a table on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBenchConsole } from "./support/console-process";
import { seedFleet } from "./support/seed-fleet";
import { summarize, timedGet, type Summary } from "./support/timed-get";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    register: { type: "string" },
    events: { type: "string", default: "3000" },
    requests: { type: "string", default: "50" },
    warmup: { type: "string", default: "3" },
    seconds: { type: "string", default: "180" },
    dev: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const opt = { devices: Number(args.devices), register: Number(args.register ?? args.devices), events: Number(args.events), requests: Number(args.requests), warmup: Number(args.warmup), seconds: Number(args.seconds) };
for (const [flag, n] of Object.entries(opt)) if (!Number.isInteger(n) || n < (flag === "warmup" || flag === "events" ? 0 : 1)) throw new Error(`--${flag} must be a ${flag === "warmup" || flag === "events" ? "non-negative" : "positive"} integer`);

const SEARCH = "camera 1";
const ADMIN = { email: "bench@edgelens.local", password: "bench-password-1" };
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Stops of every child started, run on the way out (also when this process is told to stop). */
const stops: (() => Promise<void>)[] = [];
let stopping = false;
const dataDir = mkdtempSync(join(tmpdir(), "edgelens-bench-console-"));
async function cleanup(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch((err: unknown) => log(`stopping a child failed: ${String(err)}`));
  rmSync(dataDir, { recursive: true, force: true });
}
for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  process.once(signal, () => {
    stopping = true;
    log(`${signal}: stopping the console`);
    void cleanup().finally(() => process.exit(code));
  });
}

interface Target {
  key: string;
  path: string;
  label: string;
  headers: Record<string, string>;
  /** Checked on the first response: the page really shows the fleet, not a login redirect. */
  check(status: number, body: string): string | null;
}

const rowsOf = (body: string): number => body.split('data-testid="device-row-').length - 1;
const PAGE = 50;
/** The device list shows one page of rows and says how many match in all. */
const checkDeviceList = (body: string, rows: number, total: number): string | null =>
  rowsOf(body) !== rows ? `${rowsOf(body)} device rows, expected ${rows}` : body.includes(`data-total="${total}"`) ? null : `the page does not say ${total} in total`;

async function measure(): Promise<Record<string, unknown>> {
  const fleet = await seedFleet({ dataDir, secret: "bench-console-secret-0123456789", devices: opt.devices, register: opt.register, events: opt.events, admin: ADMIN });
  log(`seeded in ${fleet.seconds.toFixed(1)} s: ${JSON.stringify(fleet.counts)}`);
  const server = await startBenchConsole({ dataDir, secret: "bench-console-secret-0123456789", adminEmail: ADMIN.email, adminPassword: ADMIN.password }, { dev: args.dev, build: !args["no-build"], log, track: (stop) => stops.push(stop) });
  log(`console: ${server.mode} at ${server.url}`);
  const signIn = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (signIn.status !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const n = opt.devices;
  // seedFleet names the devices "Camera 1" .. "Camera n" (ids bench-cam-NNNN): the search matches by name only.
  const searchMatches = Array.from({ length: n }, (_, i) => `camera ${i + 1}`).filter((name) => name.includes(SEARCH)).length;
  const searchPage = searchMatches > PAGE ? 2 : 1;
  const targets: Target[] = [
    { key: "health", path: "/api/health", label: "GET /api/health", headers: {}, check: (s) => (s === 200 ? null : `status ${s}`) },
    { key: "dashboard", path: "/", label: "GET / (dashboard)", headers: { cookie }, check: (s, b) => (s !== 200 ? `status ${s}` : b.includes('data-testid="dashboard-stats"') ? null : "no dashboard stats in the page") },
    { key: "devices", path: "/devices", label: "GET /devices", headers: { cookie }, check: (s, b) => (s !== 200 ? `status ${s}` : checkDeviceList(b, Math.min(PAGE, n), n)) },
    {
      key: "devicesSearch",
      path: `/devices?q=${encodeURIComponent(SEARCH)}&page=${searchPage}`,
      label: `GET /devices?q=${SEARCH}&page=${searchPage}`,
      headers: { cookie },
      check: (s, b) => (s !== 200 ? `status ${s}` : checkDeviceList(b, Math.min(PAGE, searchMatches - (searchPage - 1) * PAGE), searchMatches)),
    },
    {
      key: "rollout",
      path: `/rollouts/${fleet.rolloutId}`,
      label: "GET /rollouts/{id} (a rollout to every device)",
      headers: { cookie },
      // The page shows 100 device rows at a time and says how many there are in all.
      check: (s, b) => (s !== 200 ? `status ${s}` : b.split('data-testid="rollout-device"').length - 1 === Math.min(100, n) && b.includes(` of ${n}`) ? null : `not ${Math.min(100, n)} of ${n} device rows in the rollout page`),
    },
    {
      key: "group",
      path: `/groups/${fleet.groupName}`,
      label: "GET /groups/{name} (a group of every device)",
      headers: { cookie },
      // One page of members (50 rows), the count of all of them in the heading.
      check: (s, b) => (s !== 200 ? `status ${s}` : !b.includes(`data-count="${n}"`) ? `the group page does not count ${n} members` : rowsOf(b) === Math.min(PAGE, n) ? null : `${rowsOf(b)} member rows, expected ${Math.min(PAGE, n)}`),
    },
    {
      key: "apiDevices",
      path: "/api/v1/devices",
      label: "GET /api/v1/devices (API token)",
      headers: { authorization: `Bearer ${fleet.apiToken}` },
      check: (s, b) => (s !== 200 ? `status ${s}` : (JSON.parse(b) as { devices: unknown[] }).devices.length === n ? null : `not ${n} devices in the answer`),
    },
    {
      key: "apiDevicesPage",
      path: `/api/v1/devices?limit=${PAGE}`,
      label: `GET /api/v1/devices?limit=${PAGE} (API token)`,
      headers: { authorization: `Bearer ${fleet.apiToken}` },
      check: (s, b) => {
        if (s !== 200) return `status ${s}`;
        const page = JSON.parse(b) as { items: unknown[]; total: number };
        return page.items.length === Math.min(PAGE, n) && page.total === n ? null : `${page.items.length} items of ${page.total}, expected ${Math.min(PAGE, n)} of ${n}`;
      },
    },
  ];
  for (let i = 0; i < Math.max(1, opt.warmup); i++) {
    for (const t of targets) {
      const r = await timedGet(server.url + t.path, t.headers);
      const problem = i === 0 ? t.check(r.status, r.body) : null;
      if (problem) throw new Error(`${t.label}: ${problem}\n${server.output().slice(-3000)}`);
      if (i === 0) log(`first ${t.label}: ${r.ms.toFixed(0)} ms, ${r.body.length} bytes`);
    }
  }
  const samples = new Map<string, number[]>(targets.map((t) => [t.key, []]));
  const deadline = performance.now() + opt.seconds * 1000;
  let rounds = 0;
  while (rounds < opt.requests && performance.now() < deadline) {
    for (const t of targets) {
      const r = await timedGet(server.url + t.path, t.headers);
      if (r.status !== 200) throw new Error(`${t.label}: status ${r.status} in round ${rounds + 1}`);
      samples.get(t.key)!.push(r.ms);
    }
    rounds++;
  }
  const summaries = Object.fromEntries(targets.map((t) => [t.key, summarize(samples.get(t.key)!)])) as Record<string, Summary>;
  for (const t of targets) {
    const s = summaries[t.key]!;
    log(`${t.label.padEnd(32)} p50 ${s.p50.toFixed(1).padStart(7)} ms  p95 ${s.p95.toFixed(1).padStart(7)} ms  max ${s.max.toFixed(1).padStart(7)} ms  (${s.n} requests)`);
  }
  return {
    bench: "console/pages",
    server: server.mode,
    buildSeconds: server.buildSeconds,
    fleet: fleet.counts,
    seedSeconds: Math.round(fleet.seconds * 10) / 10,
    rounds,
    warmup: opt.warmup,
    machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg().map((v) => Math.round(v * 100) / 100) },
    labels: Object.fromEntries(targets.map((t) => [t.key, t.label])),
    results: summaries,
  };
}

/** Each route's p50, p95 and max against /api/health's on the same server in the same rounds. */
function figuresOf(details: Record<string, unknown>) {
  const results = details.results as Record<string, Summary>;
  const labels = details.labels as Record<string, string>;
  const health = results.health!;
  const stats: { key: keyof Omit<Summary, "n">; label: string }[] = [
    { key: "p50", label: "p50" },
    { key: "p95", label: "p95" },
    { key: "max", label: "max" },
  ];
  return ["dashboard", "devices", "devicesSearch", "rollout", "apiDevices", "apiDevicesPage"].flatMap((route) =>
    stats
      .filter((s) => !route.startsWith("apiDevices") || s.key !== "max")
      .map((s) => ({
        name: `${labels[route]}, ${opt.devices} devices: ${s.label}`,
        value: results[route]![s.key],
        unit: "ms",
        comparedTo: { name: `GET /api/health ${s.label}, same server and rounds`, value: health[s.key], unit: "ms" },
      })),
  );
}

try {
  const details = await measure();
  process.stdout.write(`${JSON.stringify(details)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ bench: "console-pages", figures: figuresOf(details), details }, null, 2)}\n`);
} catch (err) {
  // Once told to stop, requests to the stopped server fail: that is the stop, not a finding.
  if (!stopping) throw err;
} finally {
  await cleanup();
}
