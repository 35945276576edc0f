export { loadProject } from "./project-handle";
export type { LoadProjectOptions, ProcessResult, ProjectHandle, ProjectHandleEvents, ProjectLogLine, ProjectRestart } from "./project-handle";
export { sandboxEntry } from "./sandbox-entry";
export type { ModelSummary } from "./protocol";
