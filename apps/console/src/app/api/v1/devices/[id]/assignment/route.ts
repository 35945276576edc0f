import { json, route } from "@/server/http/route";
import { explainAssignment } from "@/server/services/device-assignment";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>("viewer", async ({ ctx, params }) => json({ assignment: explainAssignment(ctx, params.id) }));
