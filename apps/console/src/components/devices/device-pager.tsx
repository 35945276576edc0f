import Link from "next/link";
import { buttonClasses } from "../ui/button";
import { DEVICES_PER_PAGE, deviceListHref, type DeviceListParams } from "./device-list-params";

/** "Showing 51–100 of 1000" with Previous/Next links that keep the search. */
export function DevicePager({ params, shown, total }: { params: DeviceListParams; shown: number; total: number }) {
  const from = (params.page - 1) * DEVICES_PER_PAGE + 1;
  const to = from + shown - 1;
  const filtered = params.q !== "" || params.presence !== null;
  const hasNext = to < total;
  const disabled = `${buttonClasses("secondary")} pointer-events-none opacity-50`;
  return (
    <nav aria-label="Device pages" className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
      <p data-testid="devices-range" data-total={total}>
        {`Showing ${from}–${to} of ${total}${filtered ? " matching" : ""} device${total === 1 ? "" : "s"}`}
      </p>
      <div className="flex gap-2">
        {params.page > 1 ? (
          <Link href={deviceListHref({ ...params, page: params.page - 1 })} className={buttonClasses("secondary")} rel="prev" data-testid="devices-prev">
            ← Previous
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            ← Previous
          </span>
        )}
        {hasNext ? (
          <Link href={deviceListHref({ ...params, page: params.page + 1 })} className={buttonClasses("secondary")} rel="next" data-testid="devices-next">
            Next →
          </Link>
        ) : (
          <span className={disabled} aria-disabled="true">
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}
