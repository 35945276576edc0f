"use client";

import { StatusBadge } from "../ui/status-badge";
import { useMqttState } from "./mqtt-provider";

/** Shows whether the live views are receiving: a stale page must not look live. */
export function ConnectionBadge() {
  const { status, error } = useMqttState();
  const tone = status === "connected" ? "green" : status === "error" ? "red" : "amber";
  const label = status === "connected" ? "live" : status === "error" ? "broker unreachable" : status;
  return (
    <span title={error ?? undefined} data-testid="mqtt-state" data-state={status}>
      <StatusBadge status={status} label={label} tone={tone} />
    </span>
  );
}
