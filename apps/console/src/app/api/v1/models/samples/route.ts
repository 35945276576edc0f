import { json, route } from "@/server/http/route";
import { importSampleModels } from "@/server/services/sample-models";

export const dynamic = "force-dynamic";

/** Imports every built sample model; already imported ones are returned as they are. */
export const POST = route("admin", async ({ ctx }) => json({ versions: await importSampleModels(ctx) }));
