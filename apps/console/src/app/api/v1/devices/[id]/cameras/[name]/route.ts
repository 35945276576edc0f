import { noContent, route } from "@/server/http/route";
import { removeCamera } from "@/server/services/cameras";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string; name: string }>("admin", async ({ ctx, params }) => {
  await removeCamera(ctx, params.id, params.name);
  return noContent();
});
