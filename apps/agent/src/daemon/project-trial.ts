import { EdgelensError, isEdgelensError } from "@edgelens/shared/errors";
import type { Frame } from "@edgelens/vision/project";
import type { PipelineResult } from "../pipeline/index";
import type { ProjectHandle } from "../runtime/index";
import type { ProjectRun } from "./project-run";

export interface TrialLimits {
  timeoutMs: number;
  /** Frames in a row that may fail before the candidate is given up. */
  maxErrors: number;
}

/**
 * A candidate on the running source: hands it the newest frames one at a time until one is
 * processed. The result is returned (it is the candidate's first result, to be published).
 */
export async function trialOnFrames(run: ProjectRun, handle: ProjectHandle, limits: TrialLimits): Promise<PipelineResult> {
  const deadline = Date.now() + limits.timeoutMs;
  let last: Frame | undefined;
  let lastError: EdgelensError | undefined;
  for (let errors = 0; errors < limits.maxErrors; ) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const frame = await run.nextFrame(left, last);
    last = frame;
    const taken = Date.now();
    try {
      const r = await handle.process(frame);
      const done = Date.now();
      return {
        frame: { seq: frame.seq, ts: frame.ts, width: frame.width, height: frame.height },
        output: r.output,
        published: r.published,
        overlay: r.overlay,
        latencyMs: { total: Math.max(0, done - frame.ts), queue: Math.max(0, taken - frame.ts), inference: r.inferenceMs, function: r.totalMs },
      };
    } catch (err) {
      errors += 1;
      lastError = isEdgelensError(err) ? err : new EdgelensError("FUNCTION_FAILED", String(err), { projectId: handle.projectId }, { cause: err });
    }
  }
  throw trialFailure(handle.projectId, limits, lastError);
}

/**
 * A candidate with its own source and pipeline: resolves at its first result, calling `promote`
 * synchronously inside the result event so that this very result is already the new project's.
 */
export function awaitFirstResult(run: ProjectRun, limits: TrialLimits, promote: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let errorsInRow = 0;
    let lastError: EdgelensError | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      run.pipeline.off("result", onResult);
      run.pipeline.off("frame-error", onError);
    };
    const onResult = (): void => {
      cleanup();
      promote();
      resolve();
    };
    const onError = ({ error }: { error: EdgelensError }): void => {
      errorsInRow += 1;
      lastError = error;
      if (errorsInRow < limits.maxErrors) return;
      cleanup();
      reject(trialFailure(run.spec.projectId, limits, error));
    };
    const timer = setTimeout(() => {
      cleanup();
      // Why: a function whose sandbox is killed on each frame (memory) fails fewer frames than
      // maxErrors before the deadline, as each restart takes seconds; its last error says why.
      if (lastError) {
        reject(trialFailure(run.spec.projectId, limits, lastError));
        return;
      }
      if (run.framesFromSource > 0) {
        reject(new EdgelensError("FUNCTION_TIMEOUT", `the new project processed no frame within ${limits.timeoutMs} ms`, { projectId: run.spec.projectId }));
        return;
      }
      const why = run.lastSourceError ? `: ${run.lastSourceError.message}` : "";
      reject(new EdgelensError("SOURCE_FAILED", `no frame from ${run.sourceDescription} within ${limits.timeoutMs} ms${why}`, { projectId: run.spec.projectId }));
    }, limits.timeoutMs);
    // First in line: the run is promoted before the supervisor's own result listener looks at
    // it, so this first result is published as the new project's.
    run.pipeline.prependListener("result", onResult);
    run.pipeline.on("frame-error", onError);
  });
}

function trialFailure(projectId: string, limits: TrialLimits, lastError: EdgelensError | undefined): EdgelensError {
  if (!lastError) return new EdgelensError("FUNCTION_TIMEOUT", `the new project processed no frame within ${limits.timeoutMs} ms`, { projectId });
  return new EdgelensError(lastError.code, `the new project failed on its first frames: ${lastError.message}`, { projectId }, { cause: lastError });
}
