export { loadProject } from "./project-handle";
export type { LoadProjectOptions, ProcessResult, ProjectHandle, ProjectHandleEvents, ProjectLogLine, ProjectRestart } from "./project-handle";
export { defaultWorkerUrl } from "./launch-worker";
export type { ModelSummary } from "./protocol";
