import { readFileSync } from "node:fs";
import { DesiredStateV1Schema, type Artifact, type DesiredStateV1, type ProjectConfig } from "@edgelens/shared/schemas";
import { compileProjectFunction } from "@edgelens/vision/project";
import type { ArtifactServer } from "./artifact-server";

export interface DesiredStateInput {
  deploymentId: string;
  projectId: string;
  version?: number;
  /** The function's source (TypeScript or JavaScript), compiled here as the console would. */
  functionSource: string;
  functionFilename?: string;
  /** Model name -> .onnx path; each file becomes an artifact. */
  models: Record<string, string>;
  config: ProjectConfig;
  /** Replace an artifact after it was added (bad hashes and the like). */
  override?: { function?: Artifact; models?: Record<string, Artifact> };
}

/**
 * Builds a version-1 (single-project) DesiredState the way consoles before multi-project did: the function compiled to one ES module and the
 * model files, each served by the artifact server under its sha256 with a relative URL.
 */
export async function buildDesiredState(server: ArtifactServer, input: DesiredStateInput): Promise<DesiredStateV1> {
  const compiled = await compileProjectFunction(input.functionSource, { filename: input.functionFilename ?? "function.ts" });
  const fn = server.add(Buffer.from(compiled.code));
  const models = Object.fromEntries(Object.entries(input.models).map(([name, path]) => [name, server.add(readFileSync(path))]));
  return DesiredStateV1Schema.parse({
    deploymentId: input.deploymentId,
    project: { id: input.projectId, version: input.version ?? 1 },
    function: input.override?.function ?? fn,
    models: { ...models, ...(input.override?.models ?? {}) },
    config: input.config,
    ts: Date.now(),
  });
}

/** The desired state that removes whatever runs. */
export function removalState(deploymentId: string): DesiredStateV1 {
  return { deploymentId, project: null, function: null, models: {}, config: {}, ts: Date.now() };
}
