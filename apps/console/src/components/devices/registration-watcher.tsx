"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { topics } from "@edgelens/shared/topics";
import { useMqttSubscription } from "../mqtt/mqtt-provider";
import { StatusBadge } from "../ui/status-badge";

type Seen = { registration: string; presence: string; agentVersion: string | null };

/**
 * Follows a freshly registered device until its agent connects: the device's `status` topic
 * triggers a re-read at once, and a slow poll covers a missed message.
 */
export function RegistrationWatcher({ deviceId }: { deviceId: string }) {
  const [seen, setSeen] = useState<Seen>({ registration: "awaiting-credentials", presence: "offline", agentVersion: null });
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const res = await fetch(`/api/v1/devices/${encodeURIComponent(deviceId)}`, { cache: "no-store" });
      const body = (await res.json()) as { device?: Seen; error?: { message: string } };
      if (!res.ok || !body.device) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      setSeen({ registration: body.device.registration, presence: body.device.presence, agentVersion: body.device.agentVersion });
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [deviceId]);

  useMqttSubscription(topics.status(deviceId), () => {
    setTimeout(() => void load(), 300);
  });
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [load]);

  const done = seen.registration === "registered";
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="registration-status" data-registration={seen.registration} data-presence={seen.presence}>
      <StatusBadge status={seen.registration} />
      <StatusBadge status={seen.presence} />
      {seen.agentVersion ? <span className="text-xs text-slate-500">agent {seen.agentVersion}</span> : null}
      {done ? (
        <Link href={`/devices/${deviceId}`} className="text-sm font-medium text-sky-700 hover:underline">
          Open the device →
        </Link>
      ) : (
        <span className="text-sm text-slate-500">Waiting for the agent to connect…</span>
      )}
      {error ? <span className="text-xs text-rose-600">({error})</span> : null}
    </div>
  );
}
