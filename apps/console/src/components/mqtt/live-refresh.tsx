"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useMqttHub } from "./mqtt-provider";

/**
 * How long after a message-driven refresh the page looks once more: a loaded console may write the
 * message to its database after the first look, and the last message of a burst (an agent's
 * rollback report after a rollout's abort) has no successor to trigger another.
 */
const SETTLE_MS = 2500;

/**
 * Re-renders the server page when a message arrives on any of `filters` (at most every
 * `minIntervalMs`): server-rendered lists stay the source of truth and still update live.
 * `everyMs` also re-renders on a timer, for state the server changes with no message of its own
 * (a rollout's engine judges devices on its tick, after their last progress message).
 */
export function LiveRefresh({ filters, minIntervalMs = 1000, everyMs }: { filters: string[]; minIntervalMs?: number; everyMs?: number }) {
  const router = useRouter();
  const hub = useMqttHub();
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const key = filters.join("\n");

  useEffect(() => {
    const refresh = (fromMessage: boolean) => {
      if (pending.current) return;
      // Why: the console's own subscriber writes the same message to the database; give it a moment first.
      const wait = Math.max(400, last.current + minIntervalMs - Date.now());
      clearTimeout(settle.current);
      pending.current = setTimeout(() => {
        pending.current = undefined;
        last.current = Date.now();
        router.refresh();
        if (fromMessage) settle.current = setTimeout(() => router.refresh(), SETTLE_MS);
      }, wait);
    };
    const offs = key.split("\n").filter(Boolean).map((f) => hub.subscribe(f, () => refresh(true)));
    const timer = everyMs ? setInterval(() => refresh(false), everyMs) : undefined;
    return () => {
      offs.forEach((off) => off());
      clearInterval(timer);
      clearTimeout(pending.current);
      clearTimeout(settle.current);
      pending.current = undefined;
    };
  }, [hub, key, minIntervalMs, everyMs, router]);

  return null;
}
