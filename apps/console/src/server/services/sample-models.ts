/** The sample models built into packages/vision/.models, imported as ordinary models (idempotent). */
import { desc, eq } from "drizzle-orm";
import { models, modelVersions } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import { getSampleModel, readModelManifest, type SampleModel } from "@edgelens/vision/models";
import type { ServiceContext } from "../context";
import { storeArtifactFile } from "../storage/artifacts";
import { getModelVersion, recordModelVersion, type ModelVersionView } from "./models";

function currentVersionOf(ctx: ServiceContext, name: string, sha256: string): ModelVersionView | null {
  const row = ctx.db
    .select({ id: modelVersions.id, sha256: modelVersions.sha256 })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(models.name, name))
    .orderBy(desc(modelVersions.version))
    .limit(1)
    .get();
  return row && row.sha256 === sha256 ? getModelVersion(ctx, row.id) : null;
}

/**
 * Imports one sample model under its sample name. The manifest's inputs and outputs are used as
 * recorded at build (where each model was validated by onnxruntime); the bytes are re-hashed.
 */
export async function importSampleModel(ctx: ServiceContext, name: string): Promise<ModelVersionView> {
  const sample: SampleModel = getSampleModel(name);
  const existing = currentVersionOf(ctx, sample.name, sample.sha256);
  if (existing) return existing;
  const stored = await storeArtifactFile(ctx, sample.path, "model");
  if (stored.sha256 !== sample.sha256) {
    throw new EdgelensError("CHECKSUM_MISMATCH", `sample model ${name} at ${sample.path} does not match its manifest; rerun \`pnpm models\``, { model: name });
  }
  const source = `${sample.source.package}@${sample.source.version}/${sample.source.file}`;
  return recordModelVersion(
    ctx,
    { name: sample.name, description: sample.description, source, format: sample.source.converted ? "tfjs" : "onnx", labels: sample.labels },
    stored,
    sample,
  );
}

/** Every built sample model. */
export async function importSampleModels(ctx: ServiceContext): Promise<ModelVersionView[]> {
  const names = Object.keys(readModelManifest().models);
  const out: ModelVersionView[] = [];
  for (const name of names) out.push(await importSampleModel(ctx, name));
  return out;
}
