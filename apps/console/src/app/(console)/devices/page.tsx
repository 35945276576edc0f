import { DeviceFilters } from "@/components/devices/device-filters";
import { DEVICES_PER_PAGE, deviceListHref, readDeviceListParams, type DeviceListParams, type DeviceListSearch } from "@/components/devices/device-list-params";
import { DevicePager } from "@/components/devices/device-pager";
import { DeviceTable } from "@/components/devices/device-table";
import { TagForm } from "@/components/devices/tag-form";
import { AutoRefresh } from "@/components/live/auto-refresh";
import { ConnectionBadge } from "@/components/mqtt/connection-badge";
import { LiveRefresh } from "@/components/mqtt/live-refresh";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { filters } from "@edgelens/shared/topics";
import { requirePageUser } from "@/server/auth/session";
import { getContext } from "@/server/get-context";
import { queryDevices } from "@/server/services/devices";
import { tagDevicesAction } from "./fleet-actions";

function noMatchMessage({ q, presence }: DeviceListParams): string {
  if (!q) return `No device is ${presence ?? "known"}.`;
  return `No ${presence ? `${presence} ` : ""}device has “${q}” in its id or name.`;
}

export default async function DevicesPage({ searchParams }: { searchParams: Promise<DeviceListSearch> }) {
  const [user, search] = await Promise.all([requirePageUser(), searchParams]);
  const params = readDeviceListParams(search);
  const { items, total } = queryDevices(await getContext(), {
    ...(params.q ? { q: params.q } : {}),
    ...(params.presence ? { presence: params.presence } : {}),
    limit: DEVICES_PER_PAGE,
    offset: (params.page - 1) * DEVICES_PER_PAGE,
  });
  const isAdmin = user.role === "admin";
  const filtered = params.q !== "" || params.presence !== null;
  const lastPage = Math.max(1, Math.ceil(total / DEVICES_PER_PAGE));

  return (
    <>
      <LiveRefresh filters={[filters.allOf("status"), filters.allOf("shadow/reported"), filters.allDeployments]} minIntervalMs={1500} />
      <AutoRefresh intervalMs={15_000} />
      <PageHeader
        title="Devices"
        description="Camera boxes running the Edgelens agent."
        actions={
          <>
            <ConnectionBadge />
            {isAdmin ? <LinkButton href="/devices/new">Register device</LinkButton> : null}
          </>
        }
      />
      {total === 0 && !filtered ? (
        <EmptyState title="No devices yet" action={isAdmin ? <LinkButton href="/devices/new">Register your first device</LinkButton> : undefined}>
          Register a device to get its credentials file, then start the agent with it.
        </EmptyState>
      ) : (
        <>
          <DeviceFilters params={params} />
          {total === 0 ? (
            <div data-testid="devices-no-match">
              <EmptyState title="No device matches" action={<LinkButton href="/devices" variant="secondary">Show all devices</LinkButton>}>
                {noMatchMessage(params)}
              </EmptyState>
            </div>
          ) : items.length === 0 ? (
            <EmptyState title={`There is no page ${params.page}`} action={<LinkButton href={deviceListHref({ ...params, page: lastPage })} variant="secondary">Go to the last page ({lastPage})</LinkButton>}>
              {total} device{total === 1 ? "" : "s"} fit on {lastPage} page{lastPage === 1 ? "" : "s"}.
            </EmptyState>
          ) : (
            <>
              {isAdmin ? (
                <TagForm action={tagDevicesAction}>
                  <DeviceTable rows={items} selectable />
                </TagForm>
              ) : (
                <DeviceTable rows={items} />
              )}
              <DevicePager params={params} shown={items.length} total={total} />
            </>
          )}
        </>
      )}
    </>
  );
}
