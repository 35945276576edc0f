import type { Client } from "aedes";
import { internals } from "../aedes-internals";

/**
 * At most `max` subscriptions per client (issue 13: one viewer's 50,000 filters grew the broker
 * by 160 MB). aedes may authorize several filters of one SUBSCRIBE packet before storing them
 * (a persistent session stores asynchronously), so the filters granted in the current turn
 * and not yet stored count on top of the stored ones; they are forgotten on the next turn.
 */
export class SubscriptionLimit {
  private readonly granting = new WeakMap<Client, Set<string>>();

  constructor(private readonly max: number) {}

  /** Whether `client` may add `filter`; counts it when it may. A filter it already has is free. */
  admit(client: Client, filter: string): boolean {
    const stored = internals(client).subscriptions ?? {};
    if (filter in stored) return true;
    let pending = this.granting.get(client);
    if (pending?.has(filter)) return true;
    let held = Object.keys(stored).length;
    for (const f of pending ?? []) if (!(f in stored)) held++;
    if (held >= this.max) return false;
    if (!pending) {
      pending = new Set();
      this.granting.set(client, pending);
      setImmediate(() => this.granting.delete(client));
    }
    pending.add(filter);
    return true;
  }
}
