import { dataPaths, devices, hashSecret, loadOrCreateSecret, migrateDatabase, openDatabase, rules } from "@edgelens/db";
import { signConsoleToken, type RuleActionConfig } from "@edgelens/shared";

export const BENCH_SECRET = "bench-device-secret-0123456789";

/** Ten rules evaluated on every inference result; two of them act on a small share. */
const RULES: [string, string, RuleActionConfig[]][] = [
  ["people-alert", "SELECT counts.person AS people, topic(3) AS device FROM 'edgelens/devices/+/infer' WHERE counts.person > 2", [{ type: "republish", topic: "bench/alerts/${device}", qos: 0 }]],
  ["store-sample", "SELECT *, topic(3) AS device FROM 'edgelens/devices/+/infer' WHERE seq % 500 = 499", [{ type: "store", snapshot: false }]],
  ["high-score", "SELECT max(detections, 'score') AS best FROM 'edgelens/devices/+/infer' WHERE max(detections, 'score') > 0.999", [{ type: "republish", topic: "bench/high", qos: 0 }]],
  ["dogs", "SELECT count(detections, 'label', 'dog') AS dogs FROM 'edgelens/devices/+/infer' WHERE count(detections, 'label', 'dog') > 0", [{ type: "republish", topic: "bench/dogs", qos: 0 }]],
  ["slow", "SELECT latencyMs.total AS ms FROM 'edgelens/devices/+/infer' WHERE latencyMs.total > 1000", [{ type: "republish", topic: "bench/slow", qos: 0 }]],
  ["tiny-frames", "SELECT frame FROM 'edgelens/devices/+/infer' WHERE frame.width < 100 OR frame.height < 100", [{ type: "republish", topic: "bench/tiny", qos: 0 }]],
  ["one-device", "SELECT * FROM 'edgelens/devices/+/infer' WHERE topic(3) = 'nobody'", [{ type: "republish", topic: "bench/nobody", qos: 0 }]],
  ["cars", "SELECT counts.car AS cars FROM 'edgelens/devices/+/infer' WHERE counts.car > 5", [{ type: "republish", topic: "bench/cars", qos: 0 }]],
  ["bad-seq", "SELECT seq FROM 'edgelens/devices/+/infer' WHERE seq < 0", [{ type: "republish", topic: "bench/seq", qos: 0 }]],
  ["project", "SELECT projectId FROM 'edgelens/devices/+/infer' WHERE startswith(projectId, 'zzz') AND NOT (seq = 0)", [{ type: "republish", topic: "bench/zzz", qos: 0 }]],
];

/**
 * `count` devices sharing one secret (one scrypt hash, so setup stays bounded: the broker's
 * credential cache then verifies it once) and the ten rules; returns the admin's MQTT login.
 */
export async function seedBench(dataDir: string, count: number): Promise<{ username: string; password: string }> {
  const handle = openDatabase(dataPaths(dataDir).dbFile);
  try {
    migrateDatabase(handle);
    const secretHash = await hashSecret(BENCH_SECRET);
    handle.db.transaction((tx) => {
      for (let i = 0; i < count; i++) tx.insert(devices).values({ id: deviceName(i), name: deviceName(i), secretHash }).run();
      for (const [name, sql, actions] of RULES) tx.insert(rules).values({ id: name, name, sql, actions, updatedAt: Date.now() }).run();
    });
  } finally {
    handle.close();
  }
  const iat = Math.floor(Date.now() / 1000);
  const password = await signConsoleToken({ sub: "bench", role: "admin", iat, exp: iat + 3600 }, loadOrCreateSecret(dataPaths(dataDir)));
  return { username: "user:bench", password };
}

export function deviceName(i: number): string {
  return `bench-${String(i).padStart(4, "0")}`;
}

export const RULE_COUNT = RULES.length;
