/** The events page's filters as they travel in the URL (and on to the CSV export). */
export type EventQuery = { deviceId?: string; label?: string; ruleId?: string; from?: string; to?: string; beforeId?: string };

/** `datetime-local` values ("2026-01-02T10:30") to ms; the browser and the console share a clock zone here. */
export function localTimeToMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

export function eventQueryString(q: EventQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) params.set(k, v);
  return params.toString();
}
