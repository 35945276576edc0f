import { json, route } from "@/server/http/route";
import { getDeployment } from "@/server/services/deployments";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("viewer", async ({ ctx, params }) => json({ deployment: getDeployment(ctx, params.id) }));
