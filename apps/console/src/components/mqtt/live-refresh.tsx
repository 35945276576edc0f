"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useMqttHub } from "./mqtt-provider";

/**
 * Re-renders the server page when a message arrives on any of `filters` (at most every
 * `minIntervalMs`): server-rendered lists stay the source of truth and still update live.
 */
export function LiveRefresh({ filters, minIntervalMs = 1000 }: { filters: string[]; minIntervalMs?: number }) {
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
    return () => {
      offs.forEach((off) => off());
      clearTimeout(pending.current);
      pending.current = undefined;
    };
  }, [hub, key, minIntervalMs, router]);

  return null;
}
