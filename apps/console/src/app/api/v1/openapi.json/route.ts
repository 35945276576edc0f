import { buildOpenApi } from "@/server/http/openapi";
import { json, publicRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async ({ ctx }) => json(buildOpenApi(ctx.config.consoleUrl)));
