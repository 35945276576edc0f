import { json, route } from "@/server/http/route";
import { getJob } from "@/server/services/jobs";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("viewer", async ({ ctx, params }) => json({ job: getJob(ctx, params.id) }));
