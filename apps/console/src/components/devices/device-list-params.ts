/**
 * The device list's state lives in the URL (`?q=&presence=&page=`), so reload, back and a shared
 * link show the same page. Anything malformed falls back to the default rather than an error page.
 */
export const DEVICES_PER_PAGE = 50;

export type Presence = "online" | "offline";

export interface DeviceListParams {
  q: string;
  presence: Presence | null;
  /** 1-based. */
  page: number;
}

export type DeviceListSearch = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export function readDeviceListParams(search: DeviceListSearch): DeviceListParams {
  const presence = first(search.presence);
  const page = Number(first(search.page));
  return {
    q: first(search.q).trim().slice(0, 128),
    presence: presence === "online" || presence === "offline" ? presence : null,
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

/** `/devices` with only the non-default parts, so the first page of everything is plain `/devices`. */
export function deviceListHref(params: DeviceListParams): string {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.presence) search.set("presence", params.presence);
  if (params.page > 1) search.set("page", String(params.page));
  const query = search.toString();
  return query ? `/devices?${query}` : "/devices";
}
