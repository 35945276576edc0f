import { dataPaths, devices, hashSecret, loadOrCreateSecret, migrateDatabase, openDatabase } from "@edgelens/db";
import { signConsoleToken } from "@edgelens/shared";

export interface SeededDevice {
  deviceId: string;
  secret: string;
}

/** Registers a device in the broker's SQLite file the way the console would (scrypt hash only). */
export async function seedDevice(dataDir: string, deviceId: string, secret: string): Promise<SeededDevice> {
  const handle = openDatabase(dataPaths(dataDir).dbFile);
  try {
    migrateDatabase(handle);
    handle.db.insert(devices).values({ id: deviceId, name: `test ${deviceId}`, secretHash: await hashSecret(secret) }).run();
  } finally {
    handle.close();
  }
  return { deviceId, secret };
}

/** MQTT credentials of an admin console user: `user:<sub>` and a token signed with the data dir's secret. */
export async function adminCredentials(dataDir: string, sub = "test-admin"): Promise<{ username: string; password: string }> {
  const secret = loadOrCreateSecret(dataPaths(dataDir));
  const iat = Math.floor(Date.now() / 1000);
  const password = await signConsoleToken({ sub, role: "admin", iat, exp: iat + 3600 }, secret);
  return { username: `user:${sub}`, password };
}
