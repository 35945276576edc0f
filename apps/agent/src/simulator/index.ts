export { runSimulation, SIMULATOR_DEVICE_ID } from "./run-simulation";
export type { SimulationOptions, SimulationSummary } from "./run-simulation";
export { resolveProject } from "./resolve-project";
export { buildGalleryFromFolder } from "./build-gallery";
export type { ProjectChoice, ResolvedProject } from "./resolve-project";
