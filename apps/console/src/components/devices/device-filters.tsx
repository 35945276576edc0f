import { buttonClasses } from "../ui/button";
import { Select, TextInput } from "../ui/form-field";
import type { DeviceListParams } from "./device-list-params";

/** A plain GET form: submitting starts again at page 1 because `page` is not one of its fields. */
export function DeviceFilters({ params }: { params: DeviceListParams }) {
  return (
    <form method="get" action="/devices" role="search" className="mb-4 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm" data-testid="device-filters">
      <label className="min-w-48 flex-1 text-xs text-slate-500">
        Search
        <TextInput type="search" name="q" defaultValue={params.q} placeholder="id or name" maxLength={128} className="mt-0.5" data-testid="devices-search" />
      </label>
      <label className="text-xs text-slate-500">
        Presence
        <Select name="presence" defaultValue={params.presence ?? ""} className="mt-0.5" data-testid="devices-presence">
          <option value="">Any</option>
          <option value="online">Online</option>
          <option value="offline">Offline</option>
        </Select>
      </label>
      <button type="submit" className={buttonClasses("primary")} data-testid="devices-search-submit">
        Search
      </button>
      {params.q || params.presence ? (
        <a href="/devices" className={buttonClasses("ghost")}>
          Clear
        </a>
      ) : null}
    </form>
  );
}
