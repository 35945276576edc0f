import { json, route } from "@/server/http/route";
import { rotateDeviceSecret } from "@/server/services/devices";

export const dynamic = "force-dynamic";

/** A new secret; the old one stops working. The new device file is shown this once. */
export const POST = route<{ id: string }>("admin", async ({ ctx, params }) => json(await rotateDeviceSecret(ctx, params.id)));
