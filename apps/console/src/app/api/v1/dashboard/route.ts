import { json, route } from "@/server/http/route";
import { getDashboardStats } from "@/server/services/dashboard";

export const dynamic = "force-dynamic";

export const GET = route("viewer", async ({ ctx }) => json({ stats: getDashboardStats(ctx) }));
