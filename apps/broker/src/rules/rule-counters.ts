import { eq, sql } from "drizzle-orm";
import { rules, type EdgelensDb } from "@edgelens/db";
import type { Logger } from "../log";
import { describeError } from "../log";

/**
 * rules.executions / errors / last_error, summed in memory and added to the rows once per
 * interval in one transaction: a rule matching every message must not cost a write per message.
 */
export class RuleCounters {
  private pending = new Map<string, { executions: number; errors: number; lastError: string | null }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: EdgelensDb,
    private readonly log: Logger,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  execution(ruleId: string): void {
    this.entry(ruleId).executions++;
  }

  error(ruleId: string, message: string): void {
    const e = this.entry(ruleId);
    e.errors++;
    e.lastError = message.slice(0, 2000);
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const now = Date.now();
    try {
      this.db.transaction((tx) => {
        for (const [id, c] of batch) {
          tx.update(rules)
            .set({
              executions: sql`${rules.executions} + ${c.executions}`,
              errors: sql`${rules.errors} + ${c.errors}`,
              ...(c.lastError !== null ? { lastError: c.lastError } : {}),
            })
            .where(eq(rules.id, id))
            .run();
        }
      });
    } catch (err) {
      this.log.error(`could not write rule counters: ${describeError(err)}`, { code: "INTERNAL", rules: batch.size, at: now });
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private entry(ruleId: string) {
    let e = this.pending.get(ruleId);
    if (!e) {
      e = { executions: 0, errors: 0, lastError: null };
      this.pending.set(ruleId, e);
    }
    return e;
  }
}
