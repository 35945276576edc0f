import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { EdgelensError } from "@edgelens/shared/errors";

export type QoS = 0 | 1 | 2;

export interface SpoolMessage {
  id: number;
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  createdAt: number;
}

export interface SpoolOptions {
  /** SQLite file; created with its folder when missing. */
  path: string;
  /** Most messages kept; the oldest are dropped (and counted) beyond it. */
  maxMessages: number;
  /** Most payload bytes kept; the oldest are dropped (and counted) beyond it. */
  maxBytes: number;
  /** Told how many messages one enqueue pushed out, so the daemon can log the loss. */
  onDrop?: (dropped: number, droppedTotal: number) => void;
}

export interface EnqueueOptions {
  qos?: QoS;
  retain?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spool (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS seq (key TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

interface Row {
  id: number;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: number;
  created_at: number;
}

/**
 * The durable outbox: every QoS 1 result is committed here before it is sent and deleted only
 * after its PUBACK. WAL with synchronous=NORMAL survives a killed process (only an OS crash
 * may lose the last commit), which is the failure the agent must ride out.
 * Sequence counters live in the same file so a result's seq and its row commit together.
 */
export class Spool {
  private readonly db: Database.Database;
  private count: number;
  private totalBytes: number;
  private dropped: number;
  private readonly stmts;

  private constructor(private readonly options: SpoolOptions) {
    mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(SCHEMA);
    this.stmts = {
      insert: this.db.prepare("INSERT INTO spool (topic, payload, qos, retain, created_at) VALUES (?, ?, ?, ?, ?)"),
      after: this.db.prepare("SELECT id, topic, payload, qos, retain, created_at FROM spool WHERE id > ? ORDER BY id LIMIT ?"),
      del: this.db.prepare("DELETE FROM spool WHERE id = ?"),
      oldest: this.db.prepare("SELECT id, length(payload) AS bytes FROM spool ORDER BY id LIMIT ?"),
      seqGet: this.db.prepare("SELECT next FROM seq WHERE key = ?"),
      seqSet: this.db.prepare("INSERT INTO seq (key, next) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET next = excluded.next"),
      counterGet: this.db.prepare("SELECT value FROM counters WHERE name = ?"),
      counterSet: this.db.prepare(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
      ),
    };
    const stats = this.db.prepare("SELECT COUNT(*) AS n, COALESCE(SUM(length(payload)), 0) AS bytes FROM spool").get() as {
      n: number;
      bytes: number;
    };
    this.count = stats.n;
    this.totalBytes = stats.bytes;
    this.dropped = this.readCounter("dropped");
  }

  static open(options: SpoolOptions): Spool {
    if (!(options.maxMessages >= 1) || !(options.maxBytes >= 1)) {
      throw new EdgelensError("INVALID_CONFIG", `spool bounds must be positive (maxMessages ${options.maxMessages}, maxBytes ${options.maxBytes})`);
    }
    return new Spool(options);
  }

  /** Appends one message; returns its id. Drops the oldest when over a bound. */
  enqueue(topic: string, payload: Buffer | string, opts: EnqueueOptions = {}): number {
    const buf = typeof payload === "string" ? Buffer.from(payload) : payload;
    const id = this.db.transaction(() => this.insert(topic, buf, opts))();
    this.enforceBounds();
    return id;
  }

  /**
   * Takes the next sequence number of `key`, builds the payload with it and appends it, all in
   * one transaction: a seq is consumed exactly when its message is committed, so seqs rise by
   * one per spooled message and survive restarts.
   */
  enqueueWithSeq(key: string, topic: string, build: (seq: number) => Buffer | string, opts: EnqueueOptions = {}): { id: number; seq: number } {
    const out = this.db.transaction(() => {
      const seq = this.peekSeq(key);
      const payload = build(seq);
      const id = this.insert(topic, typeof payload === "string" ? Buffer.from(payload) : payload, opts);
      this.stmts.seqSet.run(key, seq + 1);
      return { id, seq };
    })();
    this.enforceBounds();
    return out;
  }

  /** The seq the next `enqueueWithSeq(key, ...)` will use. */
  peekSeq(key: string): number {
    const row = this.stmts.seqGet.get(key) as { next: number } | undefined;
    return row?.next ?? 0;
  }

  /** Oldest messages with id > afterId, in id order. */
  peekAfter(afterId: number, limit: number): SpoolMessage[] {
    return (this.stmts.after.all(afterId, limit) as Row[]).map((r) => ({
      id: r.id,
      topic: r.topic,
      payload: r.payload,
      qos: r.qos as QoS,
      retain: r.retain === 1,
      createdAt: r.created_at,
    }));
  }

  /** Deletes a delivered message. Unknown ids (already dropped) are fine. */
  ack(id: number, bytes: number): void {
    const res = this.stmts.del.run(id);
    if (res.changes > 0) {
      this.count -= 1;
      this.totalBytes -= bytes;
    }
  }

  depth(): number {
    return this.count;
  }

  bytes(): number {
    return this.totalBytes;
  }

  droppedTotal(): number {
    return this.dropped;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insert(topic: string, payload: Buffer, opts: EnqueueOptions): number {
    const res = this.stmts.insert.run(topic, payload, opts.qos ?? 1, opts.retain ? 1 : 0, Date.now());
    this.count += 1;
    this.totalBytes += payload.length;
    return Number(res.lastInsertRowid);
  }

  private enforceBounds(): void {
    if (this.count <= this.options.maxMessages && this.totalBytes <= this.options.maxBytes) return;
    const dropped = this.db.transaction(() => {
      let n = 0;
      while (this.count > this.options.maxMessages || this.totalBytes > this.options.maxBytes) {
        // Batches keep a large overflow (a lowered bound at start) from one statement per row.
        const batch = Math.max(1, Math.min(1000, this.count - this.options.maxMessages));
        const rows = this.stmts.oldest.all(batch) as { id: number; bytes: number }[];
        if (rows.length === 0) break;
        for (const r of rows) {
          if (this.count <= this.options.maxMessages && this.totalBytes <= this.options.maxBytes) break;
          this.stmts.del.run(r.id);
          this.count -= 1;
          this.totalBytes -= r.bytes;
          n += 1;
        }
      }
      this.dropped += n;
      this.stmts.counterSet.run("dropped", this.dropped);
      return n;
    })();
    if (dropped > 0) this.options.onDrop?.(dropped, this.dropped);
  }

  private readCounter(name: string): number {
    const row = this.stmts.counterGet.get(name) as { value: number } | undefined;
    return row?.value ?? 0;
  }
}
