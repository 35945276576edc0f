import { readQuery } from "@/server/http/body";
import { EventsQueryFormatSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { EventFilterSchema, exportEventsCsv, listEvents } from "@/server/services/events";

export const dynamic = "force-dynamic";

/** JSON pages (newest first), or `?format=csv`: every matching event, streamed. */
export const GET = route("viewer", async ({ req, ctx }) => {
  const { format } = readQuery(req, EventsQueryFormatSchema);
  const filter = readQuery(req, EventFilterSchema);
  if (format === "json") return json(listEvents(ctx, filter));
  const rows = exportEventsCsv(ctx, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="edgelens-events-${new Date().toISOString().slice(0, 10)}.csv"`, "cache-control": "no-store" },
  });
});
