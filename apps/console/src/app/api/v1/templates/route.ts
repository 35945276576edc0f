import { json, route } from "@/server/http/route";
import { listTemplates } from "@/server/services/templates";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async () => json({ templates: listTemplates() }));
