import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { SandboxIdentity } from "./sandbox-user";

export interface LaunchOptions {
  /** The sandbox's code (sandbox-entry.ts). */
  url: URL;
  /** V8 heap cap of the sandbox in MB. */
  maxHeapMb?: number;
  /** Where the agent runs as root: the unprivileged uid/gid of the sandbox (sandbox-user.ts). */
  identity?: SandboxIdentity | null;
}

/**
 * What the sandbox may read: the code it runs and nothing else. Never the data dir (the agent
 * sends it the function and the models) nor the device file. That is the folder of its entry
 * (dist/, or the dev build of sandbox-entry.ts) and the installs of the addons it imports.
 */
export function sandboxReadPaths(entry: string): string[] {
  const here = dirname(entry);
  const linked = join(here, "node_modules");
  if (!existsSync(linked)) return [here, ...devInstalls(entry)];
  const installs = readdirSync(linked).flatMap((name) => (name.startsWith("@") ? readdirSync(join(linked, name)).map((n) => join(linked, name, n)) : [join(linked, name)]));
  return [here, ...installs.map((p) => storeOf(realpathSync(p)))];
}

/** A dev build imports its addons by absolute path (sandbox-entry.ts). */
function devInstalls(entry: string): string[] {
  const text = readFileSync(entry, "utf8");
  return [...text.matchAll(/from "(\/[^"]+)"/g)].flatMap((m) => (m[1] ? [storeOf(m[1])] : []));
}

/**
 * The folder an install and its dependencies live in: pnpm's store (node_modules/.pnpm, code
 * only), where a package's dependencies are links to its siblings; else the package's parent.
 */
function storeOf(path: string): string {
  const at = path.indexOf(`${sep}node_modules${sep}.pnpm${sep}`);
  return at >= 0 ? path.slice(0, at + `${sep}node_modules${sep}.pnpm`.length) : dirname(path);
}

/** Node's permission flags for the sandbox: reads of its code, addons, nothing else. */
export function sandboxFlags(entry: string, maxHeapMb: number): string[] {
  // No --allow-fs-write (nothing can be written, so nothing can be crafted for dlopen), no
  // --allow-child-process, no --allow-worker. --allow-addons: onnxruntime and sharp are addons.
  const reads = [...new Set(sandboxReadPaths(entry))].map((p) => `--allow-fs-read=${p}/*`);
  return ["--experimental-permission", "--allow-addons", ...reads, `--max-old-space-size=${maxHeapMb}`, "--disable-warning=ExperimentalWarning"];
}

export function launchWorker(options: LaunchOptions): ChildProcess {
  const entry = fileURLToPath(options.url);
  return spawn(process.execPath, [...sandboxFlags(entry, options.maxHeapMb ?? 1024), entry], {
    // fd 3 carries the messages (frame-channel.ts); stdout and stderr are captured so that
    // console.log in user code reaches the project log, never the agent's stdout.
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    // Nothing of the agent's environment: it may hold secrets.
    env: {},
    cwd: "/",
    ...(options.identity ? { uid: options.identity.uid, gid: options.identity.gid } : {}),
  });
}
