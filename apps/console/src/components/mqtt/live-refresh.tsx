"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useMqttHub } from "./mqtt-provider";

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
  const key = filters.join("\n");

  useEffect(() => {
    const refresh = () => {
      if (pending.current) return;
      // Why: the console's own subscriber writes the same message to the database; give it a moment first.
      const wait = Math.max(400, last.current + minIntervalMs - Date.now());
      pending.current = setTimeout(() => {
        pending.current = undefined;
        last.current = Date.now();
        router.refresh();
      }, wait);
    };
    const offs = key.split("\n").filter(Boolean).map((f) => hub.subscribe(f, refresh));
    const timer = everyMs ? setInterval(refresh, everyMs) : undefined;
    return () => {
      offs.forEach((off) => off());
      clearInterval(timer);
      clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [hub, key, minIntervalMs, everyMs, router]);

  return null;
}
