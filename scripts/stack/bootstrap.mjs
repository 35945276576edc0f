// `pnpm dev` / `pnpm start` on a fresh clone: install what is missing, then hand over to the
// TypeScript launcher (main.ts). Plain JavaScript because tsx itself may not be installed yet.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

function read(file) {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

function onPath(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

// pnpm keeps a copy of the lockfile it installed from; a difference means a pull changed dependencies.
const installed = read(join(root, "node_modules/.pnpm/lock.yaml"));
if (installed === null || installed !== read(join(root, "pnpm-lock.yaml"))) {
  console.log("edgelens: installing dependencies (pnpm install --frozen-lockfile)");
  const env = {
    ...process.env,
    // onnxruntime-node's install script would fetch CUDA from outside the npm registry; its CPU binary ships in the package.
    ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? "skip",
    // Node's headers from the distro let better-sqlite3 build without downloading them.
    ...(existsSync("/usr/include/node/node.h") && !process.env.npm_config_nodedir ? { npm_config_nodedir: "/usr" } : {}),
  };
  const install = spawnSync("pnpm", ["install", "--frozen-lockfile"], { cwd: root, env, stdio: "inherit" });
  if (install.status !== 0) {
    console.error("edgelens: pnpm install failed (see above). Node 20.19+ and pnpm (npm i -g pnpm) are required.");
    process.exit(install.status ?? 1);
  }
}

if (!onPath("ffmpeg")) {
  console.error("edgelens: ffmpeg is missing: the agent decodes camera frames with it. Install it (Debian/Ubuntu: sudo apt-get install ffmpeg) and run this again.");
  process.exit(1);
}

// tsx as a loader in one node process, not the tsx CLI: its signal relay answered a Ctrl-C with
// exit 130 before the launcher had stopped the stack.
const tsx = import.meta.resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, join(root, "scripts/stack/main.ts"), ...process.argv.slice(2)], { cwd: process.cwd(), stdio: "inherit" });
// Passed on, and this process waits for the launcher to finish stopping the stack. From a terminal
// the launcher also gets Ctrl-C itself (same process group); its stop is idempotent.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
