/** The stack launcher's configuration: flags plus the EDGELENS_* variables of docs/design.md. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { resolveDataDir } from "@edgelens/db/data-dir";
import { createEnv, isEdgelensError } from "@edgelens/shared";

/** The keys the launcher reads and passes on to its children; defaults are the shared ones. */
const readStackEnv = createEnv({
  part: "launcher",
  shared: ["EDGELENS_DATA_DIR", "EDGELENS_HOST", "EDGELENS_CONSOLE_PORT", "EDGELENS_MQTT_PORT", "EDGELENS_WS_PORT", "EDGELENS_BROKER_HTTP_PORT", "EDGELENS_ADMIN_EMAIL", "EDGELENS_ADMIN_PASSWORD", "EDGELENS_MEDIA_DIR"],
  own: { EDGELENS_DEMO: z.enum(["0", "1"]).default("1") },
});

export interface StackConfig {
  /** The environment the children inherit; the stack adds its resolved EDGELENS_* values. */
  inheritedEnv: NodeJS.ProcessEnv;
  mode: "dev" | "production";
  dataDir: string;
  host: string;
  consolePort: number;
  mqttPort: number;
  wsPort: number;
  brokerHttpPort: number;
  demo: boolean;
  demoSource?: string;
  adminEmail: string;
  adminPassword?: string;
}

const HELP = `Usage: pnpm dev|start [--source URI] [--no-demo] [--data-dir DIR]

Starts the broker, the console and (unless --no-demo or EDGELENS_DEMO=0) a demo device agent.
  --source URI   camera for the demo device instead of the sample video: rtsp://..., http://...mjpg,
                 /dev/video0, a video file or a directory of images
  --no-demo      start broker and console only
  --data-dir DIR where the database, artifacts and broker state live (EDGELENS_DATA_DIR, ./data)
  --dev          development servers (next dev); without it, production builds`;

/** The only reader of process.env in the stack launcher. */
export function loadStackConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): StackConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      dev: { type: "boolean", default: false },
      source: { type: "string" },
      "no-demo": { type: "boolean", default: false },
      "data-dir": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  let e: ReturnType<typeof readStackEnv>;
  try {
    e = readStackEnv(env);
  } catch (err) {
    if (!isEdgelensError(err)) throw err;
    console.error(`edgelens: ${err.message}`);
    process.exit(2);
  }
  return {
    inheritedEnv: env,
    mode: values.dev ? "dev" : "production",
    dataDir: values["data-dir"] ? resolve(values["data-dir"]) : resolveDataDir(e.EDGELENS_DATA_DIR),
    host: e.EDGELENS_HOST,
    consolePort: e.EDGELENS_CONSOLE_PORT,
    mqttPort: e.EDGELENS_MQTT_PORT,
    wsPort: e.EDGELENS_WS_PORT,
    brokerHttpPort: e.EDGELENS_BROKER_HTTP_PORT,
    demo: e.EDGELENS_DEMO === "1" && !values["no-demo"],
    demoSource: values.source,
    adminEmail: e.EDGELENS_ADMIN_EMAIL,
    adminPassword: e.EDGELENS_ADMIN_PASSWORD,
  };
}
