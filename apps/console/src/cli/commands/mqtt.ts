import type { Command } from "commander";
import { loadConsoleConfig } from "../../env";
import { USER_USERNAME_PREFIX } from "@edgelens/shared";
import { CliFailure, parsePositiveNumber, printJson, printLine } from "../runtime";

/** The secret alone: these commands need neither the database nor migrations. */
async function secretAndConfig() {
  const { dataPaths, loadOrCreateSecret } = await import("@edgelens/db");
  const config = loadConsoleConfig();
  return { config, secret: loadOrCreateSecret(dataPaths(config.dataDir), config.secret) };
}

/** Payloads as mosquitto_sub would show them, but as JSON: parsed when JSON, else text, else base64. */
function payloadValue(payload: Buffer): unknown {
  const text = payload.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return Buffer.from(text, "utf8").equals(payload) ? text : { base64: payload.toString("base64") };
  }
}

export function mqttCommands(program: Command): void {
  program
    .command("sub <filter>")
    .description("subscribe as admin and print each message as a JSON line {topic, payload, retained}")
    .option("--count <n>", "exit 0 after n messages")
    .option("--timeout <seconds>", "stop after this long (exit 1 if --count was not reached)")
    .action(async (filter: string, opts: { count?: string; timeout?: string }) => {
      const count = opts.count === undefined ? Infinity : parsePositiveNumber(opts.count, "--count");
      const timeoutMs = opts.timeout === undefined ? null : parsePositiveNumber(opts.timeout, "--timeout") * 1000;
      const { config, secret } = await secretAndConfig();
      const { createConsoleMqtt } = await import("../../server/mqtt/console-client");
      const mqtt = createConsoleMqtt({ url: config.brokerUrl, secret, subject: "cli", tokenTtlSec: 3600 });
      let seen = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = timeoutMs === null ? null : setTimeout(() => (count === Infinity ? resolve() : reject(new CliFailure(`timed out after ${opts.timeout}s with ${seen} of ${count} messages on ${filter}`))), timeoutMs);
          const stop = () => {
            if (timer) clearTimeout(timer);
            resolve();
          };
          process.once("SIGINT", stop);
          mqtt
            .subscribe(filter, (topic, payload, retained) => {
              if (seen >= count) return;
              seen += 1;
              printLine(JSON.stringify({ topic, payload: payloadValue(payload), retained }));
              if (seen >= count) stop();
            })
            .catch(reject);
        });
      } finally {
        await mqtt.close();
      }
    });

  program
    .command("mqtt-token")
    .description("print admin MQTT credentials (username, password) signed with the console secret")
    .option("--ttl <seconds>", "validity", "3600")
    .option("--json", "print {username, password} as JSON")
    .action(async (opts: { ttl: string; json?: boolean }) => {
      const ttl = Math.round(parsePositiveNumber(opts.ttl, "--ttl"));
      const { secret } = await secretAndConfig();
      const { signAdminToken } = await import("../../server/mqtt/console-client");
      const username = `${USER_USERNAME_PREFIX}cli`;
      const password = await signAdminToken(secret, "cli", ttl);
      if (opts.json) printJson({ username, password });
      else printLine(`${username} ${password}`);
    });
}
