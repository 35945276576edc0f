import { ModelOptimizeSchema } from "@/server/http/api-schemas";
import { readJson } from "@/server/http/body";
import { json, route } from "@/server/http/route";
import { startModelOptimize } from "@/server/services/model-optimize";
import { getModel } from "@/server/services/models";

export const dynamic = "force-dynamic";

/** Starts `model optimize --int8` on the model's latest version as a job (GET /api/v1/jobs/{id}). */
export const POST = route<{ id: string }>("admin", async ({ ctx, req, params }) => {
  const body = await readJson(req, ModelOptimizeSchema);
  const model = getModel(ctx, params.id);
  const job = startModelOptimize(ctx, { model: model.id, int8: body.int8, ...(body.calibration ? { calibration: body.calibration } : {}), ...(body.keepFloat ? { keepFloat: body.keepFloat } : {}), ...(body.method ? { method: body.method } : {}) });
  return json({ job }, 202);
});
