/**
 * Sign-in throttling, per account (the email tried) and per client address. A few failures are
 * free; the last of them starts a wait (1 s, doubling with each further failure, up to 15 min)
 * during which an attempt is refused before its password is even checked, so the right
 * password is refused too. A success clears the account's count. State lives in this process's
 * memory: a restart forgets it, and several console processes would each count on their own
 * (docs/production.md "Security").
 */
import { EdgelensError } from "@edgelens/shared";

interface Strikes {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export interface ThrottlePolicy {
  /** Failures allowed before waits begin. */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A key with no failure for this long starts afresh. */
  forgetAfterMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };
const MAX_KEYS = 50_000;

export class LoginThrottle {
  private readonly strikes = new Map<string, Strikes>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string): number {
    const s = this.current(key);
    return s ? Math.max(0, s.lockedUntil - this.now()) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    const s = this.current(key) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    s.failures += 1;
    s.lastFailure = now;
    // The last free failure starts the first wait: attempt freeFailures + 1 already waits.
    const over = s.failures - this.policy.freeFailures + 1;
    if (over > 0) s.lockedUntil = now + Math.min(this.policy.baseDelayMs * 2 ** (over - 1), this.policy.maxDelayMs);
    this.strikes.delete(key);
    this.strikes.set(key, s);
    // Oldest first in a Map: a flood of new keys evicts the stalest, never grows without bound.
    if (this.strikes.size > MAX_KEYS) this.strikes.delete(this.strikes.keys().next().value!);
  }

  clear(key: string): void {
    this.strikes.delete(key);
  }

  private current(key: string): Strikes | undefined {
    const s = this.strikes.get(key);
    if (s && this.now() - s.lastFailure > this.policy.forgetAfterMs && this.now() >= s.lockedUntil) {
      this.strikes.delete(key);
      return undefined;
    }
    return s;
  }
}

const accounts = new LoginThrottle(ACCOUNT_POLICY);
const addresses = new LoginThrottle(ADDRESS_POLICY);

/**
 * Runs one sign-in attempt under both throttles. Throws RATE_LIMITED (429, `retryAfterSec` in
 * the context) while either key must wait; `attempt` returns whether the password matched.
 */
export async function throttleSignIn<T>(email: string, address: string, attempt: () => Promise<T | null>): Promise<T | null> {
  const account = email.trim().toLowerCase();
  const wait = Math.max(accounts.waitMs(account), addresses.waitMs(address));
  if (wait > 0) {
    const retryAfterSec = Math.ceil(wait / 1000);
    throw new EdgelensError("RATE_LIMITED", `too many failed sign-ins; try again in ${retryAfterSec} s`, { retryAfterSec });
  }
  const result = await attempt();
  if (result) accounts.clear(account);
  else {
    accounts.fail(account);
    addresses.fail(address);
  }
  return result;
}

/**
 * The client's address as the nearest hop saw it: the last `X-Forwarded-For` entry (Next sets the
 * header from the socket when no proxy did). A client talking straight to the console can forge
 * it, so the per-address limit is only as good as the reverse proxy in front; the per-account
 * limit does not depend on it.
 */
export function clientAddress(headers: Headers): string {
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  return hops.at(-1) ?? "unknown";
}
