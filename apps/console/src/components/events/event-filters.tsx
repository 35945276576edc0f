import { buttonClasses } from "../ui/button";
import { Select, TextInput } from "../ui/form-field";
import type { DeviceChoices } from "@/server/services/device-choices";
import type { EventQuery } from "./event-query";

/** A plain GET form: the filters live in the URL, so a filtered view can be shared and reloaded. */
export function EventFilters({ query, devices, rules }: { query: EventQuery; devices: DeviceChoices; rules: Array<{ id: string; name: string }> }) {
  return (
    <form method="get" action="/events" className="mb-4 grid gap-2 rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:grid-cols-2 lg:grid-cols-6" data-testid="event-filters">
      <label className="text-xs text-slate-500">
        Device
        {devices.kind === "list" ? (
          <Select name="deviceId" defaultValue={query.deviceId ?? ""} className="mt-0.5">
            <option value="">All devices</option>
            {devices.devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </Select>
        ) : (
          <TextInput name="deviceId" defaultValue={query.deviceId ?? ""} placeholder={`device id (${devices.total} devices)`} className="mt-0.5" data-testid="event-device-id" />
        )}
      </label>
      <label className="text-xs text-slate-500">
        Label
        <TextInput name="label" defaultValue={query.label ?? ""} placeholder="person" className="mt-0.5" />
      </label>
      <label className="text-xs text-slate-500">
        Rule
        <Select name="ruleId" defaultValue={query.ruleId ?? ""} className="mt-0.5">
          <option value="">All rules</option>
          {rules.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </Select>
      </label>
      <label className="text-xs text-slate-500">
        From
        <TextInput type="datetime-local" name="from" defaultValue={query.from ?? ""} className="mt-0.5" />
      </label>
      <label className="text-xs text-slate-500">
        To
        <TextInput type="datetime-local" name="to" defaultValue={query.to ?? ""} className="mt-0.5" />
      </label>
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClasses("primary", "flex-1")}>
          Filter
        </button>
        <a href="/events" className={buttonClasses("ghost")}>
          Reset
        </a>
      </div>
    </form>
  );
}
