/** Models: ONNX imports (validated by onnxruntime), versions, content-addressed storage. */
import { and, asc, count, desc, eq, or } from "drizzle-orm";
import { z } from "zod";
import { models, modelVersions, projectVersions } from "@edgelens/db";
import { EdgelensError } from "@edgelens/shared";
import { inspectOnnx, type OnnxInspection } from "@edgelens/vision/onnx";
import type { ServiceContext } from "../context";
import { newId } from "../ids";
import { storeArtifactBytes, storeArtifactFile, type StoredArtifact } from "../storage/artifacts";

export interface TensorInfo {
  name: string;
  type: string;
  shape: (number | string)[];
}

export interface ModelVersionView {
  id: string;
  modelId: string;
  version: number;
  sha256: string;
  size: number;
  format: "onnx" | "tfjs";
  source: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  labels: string[] | null;
  createdAt: number;
}

export interface ModelView {
  id: string;
  name: string;
  description: string | null;
  createdAt: number;
  latest: ModelVersionView | null;
  versionCount: number;
}

export const ModelEntityNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$/, "model name must be 1-128 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit");

type VersionRow = typeof modelVersions.$inferSelect;
type ModelRow = typeof models.$inferSelect;

function versionView(row: VersionRow): ModelVersionView {
  return {
    id: row.id,
    modelId: row.modelId,
    version: row.version,
    sha256: row.sha256,
    size: row.size,
    format: row.format,
    source: row.source,
    inputs: row.inputs as TensorInfo[],
    outputs: row.outputs as TensorInfo[],
    labels: (row.labels as string[] | null) ?? null,
    createdAt: row.createdAt,
  };
}

function latestVersion(ctx: ServiceContext, modelId: string): VersionRow | undefined {
  return ctx.db.select().from(modelVersions).where(eq(modelVersions.modelId, modelId)).orderBy(desc(modelVersions.version)).limit(1).get();
}

function modelView(ctx: ServiceContext, row: ModelRow): ModelView {
  const latest = latestVersion(ctx, row.id);
  const n = ctx.db.select({ n: count() }).from(modelVersions).where(eq(modelVersions.modelId, row.id)).get()?.n ?? 0;
  return { id: row.id, name: row.name, description: row.description, createdAt: row.createdAt, latest: latest ? versionView(latest) : null, versionCount: n };
}

function findModelRow(ctx: ServiceContext, idOrName: string): ModelRow | undefined {
  return ctx.db.select().from(models).where(or(eq(models.id, idOrName), eq(models.name, idOrName))).get();
}

export function listModels(ctx: ServiceContext): ModelView[] {
  return ctx.db.select().from(models).orderBy(asc(models.name)).all().map((m) => modelView(ctx, m));
}

export function getModel(ctx: ServiceContext, idOrName: string): ModelView & { versions: ModelVersionView[] } {
  const row = findModelRow(ctx, idOrName);
  if (!row) throw new EdgelensError("NOT_FOUND", `no model ${idOrName}`, { modelId: idOrName });
  const versions = ctx.db.select().from(modelVersions).where(eq(modelVersions.modelId, row.id)).orderBy(desc(modelVersions.version)).all();
  return { ...modelView(ctx, row), versions: versions.map(versionView) };
}

export function getModelVersion(ctx: ServiceContext, versionId: string): ModelVersionView {
  const row = ctx.db.select().from(modelVersions).where(eq(modelVersions.id, versionId)).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no model version ${versionId}`, { modelVersionId: versionId });
  return versionView(row);
}

/**
 * A project's model reference: a model version id, `name@version`, or a model's name or id
 * (its latest version).
 */
export function resolveModelRef(ctx: ServiceContext, ref: string): ModelVersionView {
  const byId = ctx.db.select().from(modelVersions).where(eq(modelVersions.id, ref)).get();
  if (byId) return versionView(byId);
  const at = /^(.*)@(\d+)$/.exec(ref);
  const model = findModelRow(ctx, at?.[1] ?? ref);
  if (!model) throw new EdgelensError("NOT_FOUND", `no model ${ref} (import it first, or use a model version id)`, { model: ref });
  const row = at
    ? ctx.db.select().from(modelVersions).where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, Number(at[2])))).get()
    : latestVersion(ctx, model.id);
  if (!row) throw new EdgelensError("NOT_FOUND", `model ${model.name} has no version ${at?.[2] ?? ""}`.trim(), { model: ref });
  return versionView(row);
}

/** Labels a model carries in its ONNX metadata (`labels`: a JSON array or comma/newline list). */
function labelsFromMetadata(metadata: Record<string, string>): string[] | null {
  const raw = metadata.labels ?? metadata.names ?? metadata.classes;
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed;
    if (parsed && typeof parsed === "object") return Object.values(parsed).map(String);
  } catch {
    // Not JSON: a plain list.
  }
  return raw.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

export interface NewVersion {
  name: string;
  description?: string | undefined;
  source: string;
  format: "onnx" | "tfjs";
  labels?: string[] | null | undefined;
}

/** Adds a version (or returns the latest when it has the same bytes); creates the model if new. */
export function recordModelVersion(ctx: ServiceContext, input: NewVersion, stored: StoredArtifact, inspection: Pick<OnnxInspection, "inputs" | "outputs">): ModelVersionView {
  const name = ModelEntityNameSchema.parse(input.name);
  return ctx.handle.sqlite.transaction(() => {
    let model = findModelRow(ctx, name);
    if (!model) model = ctx.db.insert(models).values({ id: newId("mdl"), name, description: input.description ?? null }).returning().get();
    const latest = latestVersion(ctx, model.id);
    if (latest && latest.sha256 === stored.sha256) return versionView(latest);
    const row = ctx.db
      .insert(modelVersions)
      .values({
        id: newId("mv"),
        modelId: model.id,
        version: (latest?.version ?? 0) + 1,
        sha256: stored.sha256,
        size: stored.size,
        format: input.format,
        source: input.source,
        inputs: inspection.inputs,
        outputs: inspection.outputs,
        labels: input.labels ?? null,
      })
      .returning()
      .get();
    return versionView(row);
  })();
}

export interface OnnxImport {
  name: string;
  /** Path of the .onnx file. */
  file: string;
  description?: string;
  source?: string;
  labels?: string[];
  /** Move the file into the store instead of copying (uploads). */
  move?: boolean;
  /** Its sha256 and size when the upload computed them on the way to disk. */
  hashed?: StoredArtifact;
}

/** Validates with onnxruntime first: a file that does not load stores nothing. */
export async function importOnnxModel(ctx: ServiceContext, input: OnnxImport): Promise<ModelVersionView> {
  ModelEntityNameSchema.parse(input.name);
  const inspection = await inspectOnnx(input.file);
  const stored = await storeArtifactFile(ctx, input.file, "model", input.move ?? false, input.hashed);
  const labels = input.labels ?? labelsFromMetadata(inspection.metadata);
  return recordModelVersion(ctx, { name: input.name, description: input.description, source: input.source ?? "upload", format: "onnx", labels }, stored, inspection);
}

/** ONNX bytes produced in memory (a conversion): validated the same way. */
export async function importOnnxBytes(ctx: ServiceContext, input: NewVersion, bytes: Uint8Array): Promise<ModelVersionView> {
  ModelEntityNameSchema.parse(input.name);
  const inspection = await inspectOnnx(bytes);
  const stored = await storeArtifactBytes(ctx, bytes, "model");
  return recordModelVersion(ctx, { ...input, labels: input.labels ?? labelsFromMetadata(inspection.metadata) }, stored, inspection);
}

export function deleteModel(ctx: ServiceContext, idOrName: string): void {
  const model = getModel(ctx, idOrName);
  const ids = new Set(model.versions.map((v) => v.id));
  const users = ctx.db.select({ projectId: projectVersions.projectId, version: projectVersions.version, models: projectVersions.models }).from(projectVersions).all();
  const using = users.find((pv) => Object.values(pv.models as Record<string, string>).some((id) => ids.has(id)));
  if (using) {
    throw new EdgelensError("CONFLICT", `model ${model.name} is used by project ${using.projectId} version ${using.version}`, { modelId: model.id, projectId: using.projectId });
  }
  ctx.db.delete(models).where(eq(models.id, model.id)).run();
}
