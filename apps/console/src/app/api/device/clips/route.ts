import { CLIP_REPORT_HEADER, ClipReportSchema, EdgelensError, formatZodError } from "@edgelens/shared";
import { authenticateDevice, deviceBearer } from "@/server/auth/device-auth";
import { json, publicRoute } from "@/server/http/route";
import { receiveClip } from "@/server/services/clips";

export const dynamic = "force-dynamic";

/**
 * A device sends a clip (docs/design.md "Clips"): `Authorization: Bearer <deviceId>:<secret>`,
 * the ClipReport as JSON in the `x-edgelens-clip` header, the MP4 as the body (none with an error).
 */
export const POST = publicRoute(async ({ req, ctx }) => {
  if (!deviceBearer(req)) throw new EdgelensError("UNAUTHORIZED", "send Authorization: Bearer <deviceId>:<secret>");
  const deviceId = await authenticateDevice(ctx, req);
  if (!deviceId) throw new EdgelensError("UNAUTHORIZED", "unknown device or wrong secret");
  let raw: unknown;
  try {
    raw = JSON.parse(req.headers.get(CLIP_REPORT_HEADER) ?? "");
  } catch {
    throw new EdgelensError("INVALID_PAYLOAD", `${CLIP_REPORT_HEADER}: a JSON ClipReport is required`, { deviceId });
  }
  const report = ClipReportSchema.safeParse(raw);
  if (!report.success) throw new EdgelensError("INVALID_PAYLOAD", `${CLIP_REPORT_HEADER}: ${formatZodError(report.error)}`, { deviceId });
  const length = req.headers.get("content-length");
  const declared = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  const body = report.data.error || declared === 0 ? null : req.body;
  if (body === null && !report.data.error) throw new EdgelensError("INVALID_PAYLOAD", "a clip upload without an error needs the MP4 as its body", { deviceId, clipId: report.data.clipId });
  return json(await receiveClip(ctx, deviceId, report.data, body, declared), 201);
});
