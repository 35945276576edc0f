/**
 * `pnpm dev` / `pnpm start`: the whole stack on one machine with a demo device.
 * Order: sample models -> broker -> console -> first-start setup -> demo agent.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadStackConfig } from "./env";
import { ensureDemo, resolveAdmin, type FirstStartInput } from "./first-start";
import { runStep, signalProcess, startProcess, stopProcesses, waitForHttp, type ManagedProcess } from "@edgelens/tooling/processes";
import { findDemoVideo } from "./demo-video";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const config = loadStackConfig(process.argv.slice(2));
const running: ManagedProcess[] = [];
let stopping: Promise<never> | null = null;

/** Idempotent: Ctrl-C reaches the launcher from the terminal and from its wrappers (pnpm, tsx). */
function stopAll(code: number): Promise<never> {
  stopping ??= (async () => {
    console.log("\nedgelens: stopping…");
    await stopProcesses(running);
    process.exit(code);
  })();
  return stopping;
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
process.on("SIGHUP", () => void stopAll(0));
// Last resort on any exit of the launcher: children run in their own groups and would outlive it.
process.on("exit", () => running.forEach((p) => signalProcess(p, "SIGTERM")));

function watch(p: ManagedProcess): ManagedProcess {
  running.push(p);
  void p.exited.then((code) => {
    if (!stopping) {
      console.error(`edgelens: ${p.name} exited (${code}); stopping the stack`);
      void stopAll(1);
    }
  });
  return p;
}

async function main(): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const consoleUrl = `http://${config.host}:${config.consolePort}`;
  const admin = resolveAdmin(config.dataDir, config.adminEmail, config.adminPassword);
  const env: NodeJS.ProcessEnv = {
    ...config.inheritedEnv,
    EDGELENS_DATA_DIR: config.dataDir,
    EDGELENS_HOST: config.host,
    EDGELENS_MQTT_PORT: String(config.mqttPort),
    EDGELENS_WS_PORT: String(config.wsPort),
    EDGELENS_BROKER_HTTP_PORT: String(config.brokerHttpPort),
    EDGELENS_CONSOLE_PORT: String(config.consolePort),
    EDGELENS_BROKER_URL: `mqtt://${config.host}:${config.mqttPort}`,
    EDGELENS_CONSOLE_URL: consoleUrl,
    EDGELENS_ADMIN_EMAIL: admin.email,
    ...(admin.password ? { EDGELENS_ADMIN_PASSWORD: admin.password } : {}),
  };

  console.log("edgelens: [1/5] sample models (cached after the first build)");
  await runStep("models", "pnpm", ["-s", "models"], { cwd: root, env });

  console.log("edgelens: [2/5] broker");
  let brokerReady!: () => void;
  const brokerListening = new Promise<void>((r) => (brokerReady = r));
  const broker = watch(
    // One node process (no pnpm/tsx wrappers in its group): a stop's SIGTERM reaches only the
    // broker, which then closes cleanly (flushes stored events, acknowledged messages' rules).
    startProcess("broker", process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: join(root, "apps/broker"),
      env,
      onStdoutLine: (line) => {
        if (line.includes('"event":"listening"')) brokerReady();
      },
    }),
  );
  await Promise.race([brokerListening, broker.exited.then(() => Promise.reject(new Error("broker exited at start")))]);

  console.log(`edgelens: [3/5] console (${config.mode === "dev" ? "next dev" : "next build + next start"})`);
  const consoleDir = join(root, "apps/console");
  const nextBin = join(consoleDir, "node_modules/.bin/next");
  if (config.mode === "production" && !existsSync(join(consoleDir, ".next/BUILD_ID"))) {
    await runStep("build", nextBin, ["build"], { cwd: consoleDir, env: { ...env, NODE_ENV: "production" } });
  }
  // The console's own entry, as `pnpm -s console` and the unit start it: it listens where env says.
  const consoleProc = watch(startProcess("console", process.execPath, ["--import", "tsx", "src/serve.ts", config.mode === "dev" ? "dev" : "start"], { cwd: consoleDir, env }));
  await waitForHttp(`${consoleUrl}/api/health`, 180_000, () => consoleProc.child.exitCode === null);

  console.log("edgelens: [4/5] first-start setup");
  const demoSource = config.demoSource ?? `file://${await findDemoVideo()}?loop=1`;
  const setup: FirstStartInput = {
    root,
    dataDir: config.dataDir,
    env,
    demoSource,
  };

  if (config.demo) {
    console.log("edgelens: [5/5] demo device");
    const deviceFile = await ensureDemo(setup);
    watch(
      startProcess("agent", "pnpm", ["-s", "agent", "run", "--device-file", deviceFile, "--data-dir", join(config.dataDir, "demo-agent")], {
        cwd: root,
        env,
      }),
    );
  }

  console.log(
    [
      "",
      "  Edgelens is running.",
      `  Console:  ${consoleUrl}`,
      `  Sign in:  ${admin.email} / ${admin.password ?? "(see " + admin.file + ")"}`,
      `  MQTT:     mqtt://${config.host}:${config.mqttPort}  (WebSocket ${config.wsPort})`,
      config.demo ? "  Demo:     device demo-camera runs people-counter" : "  Demo:     off",
      "  Ctrl-C stops everything; the next start reuses ./data.",
      "",
    ].join("\n"),
  );
}

main().catch((err: unknown) => {
  console.error(`edgelens: ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
