/** Projects: models + an inference function + config; every save is a new compiled version. */
import { and, asc, desc, eq, or } from "drizzle-orm";
import { z } from "zod";
import { artifacts, projects, projectVersions } from "@edgelens/db";
import { EdgelensError, IdSchema, ModelNameSchema, ProjectConfigSchema, type ProjectConfig } from "@edgelens/shared";
import { compileProjectFunction } from "@edgelens/vision/project";
import { validateZones } from "@edgelens/vision/zones";
import type { ServiceContext } from "../context";
import { isCodedError } from "../http/errors";
import { newId } from "../ids";
import { storeArtifactBytes } from "../storage/artifacts";
import { resolveModelRef } from "./models";
import { importSampleModel } from "./sample-models";
import { getTemplateSource } from "./templates";

export interface ProjectVersionView {
  projectId: string;
  version: number;
  functionSource: string;
  functionSha256: string;
  functionSize: number;
  /** model slot -> model version id */
  models: Record<string, string>;
  config: ProjectConfig;
  createdAt: number;
}

export interface ProjectView {
  id: string;
  name: string;
  description: string | null;
  template: string | null;
  latestVersion: number;
  createdAt: number;
  updatedAt: number | null;
}

export type ProjectDetail = ProjectView & { versions: ProjectVersionView[]; latest: ProjectVersionView | null };

export const BLANK_FUNCTION = `import { defineProject } from "@edgelens/vision/project";

export default defineProject({
  async setup(ctx) {
    ctx.log.info("project started");
  },
  async infer(frame, ctx) {
    // Run a model with ctx.models.<name>.run(feeds) and return what to publish.
    return { extra: { width: frame.width, height: frame.height } };
  },
});
`;

const ProjectNameSchema = z.string().trim().min(1, "name must not be empty").max(128);
const ModelRefsSchema = z.record(ModelNameSchema, z.string().min(1));

export const NewProjectSchema = z
  .object({
    name: ProjectNameSchema,
    template: z.string().min(1).optional(),
    description: z.string().max(2000).optional(),
    functionSource: z.string().min(1).optional(),
    config: ProjectConfigSchema.optional(),
    models: ModelRefsSchema.optional(),
  })
  .strict();

export const SaveVersionSchema = z
  .object({ functionSource: z.string().min(1).optional(), config: ProjectConfigSchema.optional(), models: ModelRefsSchema.optional() })
  .strict();

type VersionRow = typeof projectVersions.$inferSelect;
type ProjectRow = typeof projects.$inferSelect;

function versionView(ctx: ServiceContext, row: VersionRow): ProjectVersionView {
  const size = ctx.db.select({ size: artifacts.size }).from(artifacts).where(eq(artifacts.sha256, row.functionSha256)).get()?.size ?? 0;
  return {
    projectId: row.projectId,
    version: row.version,
    functionSource: row.functionSource,
    functionSha256: row.functionSha256,
    functionSize: size,
    models: row.models as Record<string, string>,
    config: row.config as ProjectConfig,
    createdAt: row.createdAt,
  };
}

function projectView(row: ProjectRow): ProjectView {
  return { id: row.id, name: row.name, description: row.description, template: row.template, latestVersion: row.latestVersion, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function findProject(ctx: ServiceContext, idOrName: string): ProjectRow {
  const row = ctx.db.select().from(projects).where(or(eq(projects.id, idOrName), eq(projects.name, idOrName))).get();
  if (!row) throw new EdgelensError("NOT_FOUND", `no project ${idOrName}`, { projectId: idOrName });
  return row;
}

export function listProjects(ctx: ServiceContext): ProjectView[] {
  return ctx.db.select().from(projects).orderBy(asc(projects.name)).all().map(projectView);
}

export function getProjectVersion(ctx: ServiceContext, projectId: string, version: number): ProjectVersionView {
  const row = ctx.db
    .select()
    .from(projectVersions)
    .where(and(eq(projectVersions.projectId, projectId), eq(projectVersions.version, version)))
    .get();
  if (!row) throw new EdgelensError("NOT_FOUND", `project ${projectId} has no version ${version}`, { projectId });
  return versionView(ctx, row);
}

export function getProject(ctx: ServiceContext, idOrName: string): ProjectDetail {
  const row = findProject(ctx, idOrName);
  const versions = ctx.db.select().from(projectVersions).where(eq(projectVersions.projectId, row.id)).orderBy(desc(projectVersions.version)).all();
  const views = versions.map((v) => versionView(ctx, v));
  return { ...projectView(row), versions: views, latest: views[0] ?? null };
}

/** Compiles; COMPILE_FAILED carries the first error's line and column beside esbuild's list. */
async function compile(ctx: ServiceContext, source: string, projectId: string): Promise<{ sha256: string }> {
  try {
    const compiled = await compileProjectFunction(source, { filename: "function.ts" });
    return storeArtifactBytes(ctx, new TextEncoder().encode(compiled.code), "function");
  } catch (err) {
    if (isCodedError(err) && err.code === "COMPILE_FAILED") {
      const e = err;
      const first = (e.context.errors as { line: number; column: number }[] | undefined)?.[0];
      throw new EdgelensError("COMPILE_FAILED", e.message, { ...e.context, projectId, line: first?.line ?? 1, column: first?.column ?? 1 }, { cause: err });
    }
    throw err;
  }
}

/** INVALID_CONFIG (400) naming the zone when `config.zones` is not a list of valid polygons (docs/design.md "Zones"). */
function checkZones(config: ProjectConfig, project: string): void {
  try {
    validateZones(config.zones);
  } catch (err) {
    if (isCodedError(err)) throw new EdgelensError(err.code, err.message, { ...err.context, projectId: project }, { cause: err });
    throw err;
  }
}

function resolveModels(ctx: ServiceContext, refs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(refs).map(([slot, ref]) => [slot, resolveModelRef(ctx, ref).id]));
}

function insertVersion(ctx: ServiceContext, projectId: string, version: number, source: string, sha256: string, models: Record<string, string>, config: ProjectConfig): void {
  ctx.db.insert(projectVersions).values({ projectId, version, functionSource: source, functionSha256: sha256, models, config }).run();
  ctx.db.update(projects).set({ latestVersion: version, updatedAt: Date.now() }).where(eq(projects.id, projectId)).run();
}

function freshId(ctx: ServiceContext, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  const taken = (id: string) => ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.id, id)).get() !== undefined;
  return slug && IdSchema.safeParse(slug).success && !taken(slug) ? slug : newId("prj");
}

/**
 * A project from a template (its sample models are imported on the way, idempotently) or
 * blank. Version 1 is compiled before anything is written: a compile error leaves no project.
 */
export async function createProject(ctx: ServiceContext, input: z.input<typeof NewProjectSchema>): Promise<ProjectDetail> {
  const data = NewProjectSchema.parse(input);
  if (ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.name, data.name)).get()) {
    throw new EdgelensError("CONFLICT", `a project named ${data.name} exists`, { name: data.name });
  }
  const template = data.template ? getTemplateSource(data.template) : null;
  const modelRefs: Record<string, string> = {};
  for (const [slot, sample] of Object.entries(template?.models ?? {})) modelRefs[slot] = (await importSampleModel(ctx, sample)).id;
  const models = { ...modelRefs, ...resolveModels(ctx, data.models ?? {}) };
  const config = ProjectConfigSchema.parse({ ...(template?.defaultConfig ?? {}), ...(data.config ?? {}) });
  checkZones(config, data.name);
  const source = data.functionSource ?? template?.functionSource ?? BLANK_FUNCTION;
  const id = freshId(ctx, data.name);
  const { sha256 } = await compile(ctx, source, id);
  ctx.handle.sqlite.transaction(() => {
    ctx.db.insert(projects).values({ id, name: data.name, description: data.description ?? template?.description ?? null, template: template?.name ?? null }).run();
    insertVersion(ctx, id, 1, source, sha256, models, config);
  })();
  return getProject(ctx, id);
}

/** Saves a new version; omitted fields carry over from the latest one. */
export async function saveProjectVersion(ctx: ServiceContext, idOrName: string, input: z.input<typeof SaveVersionSchema>): Promise<ProjectVersionView> {
  const data = SaveVersionSchema.parse(input);
  const project = getProject(ctx, idOrName);
  const latest = project.latest;
  const source = data.functionSource ?? latest?.functionSource ?? BLANK_FUNCTION;
  const models = data.models ? resolveModels(ctx, data.models) : (latest?.models ?? {});
  const config = data.config ?? latest?.config ?? {};
  checkZones(config, project.id);
  const { sha256 } = await compile(ctx, source, project.id);
  const version = ctx.handle.sqlite.transaction(() => {
    const next = (findProject(ctx, project.id).latestVersion ?? 0) + 1;
    insertVersion(ctx, project.id, next, source, sha256, models, config);
    return next;
  })();
  return getProjectVersion(ctx, project.id, version);
}

export function updateProjectInfo(ctx: ServiceContext, idOrName: string, input: { name?: string; description?: string | null }): ProjectView {
  const row = findProject(ctx, idOrName);
  const name = input.name === undefined ? undefined : ProjectNameSchema.parse(input.name);
  if (name && name !== row.name && ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.name, name)).get()) {
    throw new EdgelensError("CONFLICT", `a project named ${name} exists`, { projectId: row.id });
  }
  ctx.db.update(projects).set({ ...(name ? { name } : {}), ...(input.description !== undefined ? { description: input.description } : {}), updatedAt: Date.now() }).where(eq(projects.id, row.id)).run();
  return projectView(findProject(ctx, row.id));
}

export function deleteProject(ctx: ServiceContext, idOrName: string): void {
  const row = findProject(ctx, idOrName);
  ctx.db.delete(projects).where(eq(projects.id, row.id)).run();
}
