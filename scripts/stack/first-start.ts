/**
 * What the stack does once per data dir: the admin's credentials, the demo device and its
 * people-counter deployment. The demo goes through the `edgelens` admin CLI, the same service
 * layer a person uses, so it exercises the real paths.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runStep } from "@edgelens/tooling/processes";

export interface FirstStartInput {
  root: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  demoSource: string;
}

export interface AdminCredentials {
  email: string;
  password: string | null;
  file: string;
}

const DEMO_DEVICE = "demo-camera";
const DEMO_PROJECT = "people-counter-demo";

function cli(input: FirstStartInput, args: string[]): Promise<void> {
  return runStep("setup", "pnpm", ["-s", "edgelens", ...args], { cwd: input.root, env: input.env });
}

export function demoDeviceFile(dataDir: string): string {
  return join(dataDir, "demo-device.json");
}

/**
 * The admin the console creates at its first boot (it reads EDGELENS_ADMIN_EMAIL/PASSWORD when no
 * user exists). A generated password is kept in the data dir so the next start can print it again.
 */
export function resolveAdmin(dataDir: string, email: string, configuredPassword?: string): AdminCredentials {
  const file = join(dataDir, "admin-credentials.txt");
  if (configuredPassword) return { email, password: configuredPassword, file };
  if (existsSync(file)) {
    const [savedEmail, password] = readFileSync(file, "utf8").trim().split("\n");
    return { email: savedEmail ?? email, password: password ?? null, file };
  }
  const password = randomBytes(9).toString("base64url");
  writeFileSync(file, `${email}\n${password}\n`, { mode: 0o600 });
  return { email, password, file };
}

/** Registers the demo device and deploys people-counter to it, unless it was done before. */
export async function ensureDemo(input: FirstStartInput): Promise<string> {
  const deviceFile = demoDeviceFile(input.dataDir);
  if (existsSync(deviceFile)) return deviceFile;
  await cli(input, ["device", "register", DEMO_DEVICE, "--name", "Demo camera", "--out", deviceFile]);
  await cli(input, ["project", "create", "--template", "people-counter", "--name", DEMO_PROJECT, "--source", input.demoSource]);
  await cli(input, ["deploy", DEMO_PROJECT, "--device", DEMO_DEVICE]);
  return deviceFile;
}
