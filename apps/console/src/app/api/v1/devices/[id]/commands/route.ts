import { readJson } from "@/server/http/body";
import { CommandInputSchema } from "@/server/http/api-schemas";
import { json, route } from "@/server/http/route";
import { sendCommand } from "@/server/services/devices";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("admin", async ({ req, ctx, params }) => {
  const { cmd, args } = await readJson(req, CommandInputSchema);
  return json({ command: await sendCommand(ctx, params.id, cmd, args) }, 202);
});
