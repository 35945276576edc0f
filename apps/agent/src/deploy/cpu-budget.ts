/**
 * The CPU budget (docs/design.md "CPU budget"): `budget` onnxruntime threads for the whole
 * device, split evenly between the projects it runs and then between each project's models,
 * at least one each. A project's `config.threads` overrides its share.
 */
export function threadsPerModel(budget: number, projects: number, models: number): number {
  return Math.max(1, Math.floor(budget / Math.max(1, projects) / Math.max(1, models)));
}
