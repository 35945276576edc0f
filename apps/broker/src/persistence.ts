import { mkdirSync } from "node:fs";
import createPersistence, { type LevelPersistence } from "aedes-persistence-level";
import { Level } from "level";
import { EdgelensError } from "@edgelens/shared";

/**
 * Retained messages, persistent sessions' subscriptions and their queued QoS 1/2 messages, and
 * wills, in LevelDB under `dataPaths(dir).brokerDir`, so they survive a restart.
 */
export interface BrokerPersistence {
  persistence: LevelPersistence;
  close(): Promise<void>;
}

export async function openPersistence(dir: string): Promise<BrokerPersistence> {
  mkdirSync(dir, { recursive: true });
  const db = new Level<string, Buffer>(dir);
  try {
    await db.open();
  } catch (err) {
    // LevelDB locks its folder: the usual cause is a second broker on the same data dir.
    throw new EdgelensError("INVALID_CONFIG", `cannot open broker persistence at ${dir}: ${(err as Error).message} (is another broker using this data dir?)`, { dir }, { cause: err });
  }
  const persistence = createPersistence(db);
  let closed = false;
  return {
    persistence,
    close: async () => {
      if (closed) return;
      closed = true;
      await persistence.destroy();
    },
  };
}
