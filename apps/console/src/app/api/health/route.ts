import { json, publicRoute } from "@/server/http/route";

export const dynamic = "force-dynamic";

/** Liveness for the stack launcher and tests: the context (database, migrations) is up. */
export const GET = publicRoute(async () => json({ ok: true }));
