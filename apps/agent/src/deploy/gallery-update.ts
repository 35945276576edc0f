import type { DesiredProject } from "@edgelens/shared/schemas";
import { EdgelensError } from "@edgelens/shared/errors";
import type { Logger } from "../telemetry/logger";
import type { ArtifactDownloader } from "./artifact-downloader";
import { asError } from "./deployment-plan";
import { fetchArtifacts } from "./fetch-artifacts";
import type { ProjectHost } from "./project-host";

/** Starts the message of a failed gallery update, so a later good one clears only its own error. */
export const GALLERY_UPDATE_FAILED = "face gallery update failed";

export type GalleryUpdate =
  | { kind: "updated"; current: DesiredProject }
  | { kind: "skipped"; why: string }
  | { kind: "failed"; error: EdgelensError };

/**
 * A gallery change for a deployment that runs (docs/design.md "Face gallery"): the new gallery is
 * downloaded and verified into the cache like any artifact, then handed to the running function
 * (project-host's updateGallery: no reload, no new deployment). Whatever fails leaves the old
 * gallery in use; the caller reports the error, the deployment stays `running`.
 */
export async function updateGallery(
  deps: { downloader: ArtifactDownloader; host: ProjectHost; log: Logger },
  current: DesiredProject | null,
  entry: DesiredProject,
  signal: AbortSignal,
): Promise<GalleryUpdate> {
  const gallery = entry.gallery;
  const id = entry.deploymentId;
  // Looked at again now: the deployment may have finished, failed or been replaced since the plan.
  if (!gallery) return { kind: "skipped", why: `deployment ${id} carries no gallery` };
  if (current?.deploymentId !== id) return { kind: "skipped", why: `deployment ${id} does not run` };
  if (current.gallery?.sha256 === gallery.sha256) return { kind: "skipped", why: `deployment ${id} already uses gallery ${gallery.sha256.slice(0, 12)}` };
  const started = Date.now();
  try {
    const fetched = await fetchArtifacts(deps.downloader, [gallery], {
      signal,
      onRetry: (_a, attempt, reason) => deps.log.warn(`gallery download retried (attempt ${attempt}): ${reason}`, { code: "DOWNLOAD_FAILED" }),
    });
    if (signal.aborted) throw signal.reason;
    await deps.host.updateGallery(entry.project.id, id, fetched.paths.get(gallery.sha256)!);
  } catch (err) {
    const e = asError(err);
    const message = `${GALLERY_UPDATE_FAILED} (${gallery.sha256.slice(0, 12)}; the previous gallery stays in use): ${e.message}`;
    return { kind: "failed", error: new EdgelensError(e.code, message, { ...e.context, projectId: entry.project.id, deploymentId: id }, { cause: e }) };
  }
  deps.log.info(`deployment ${id}: face gallery ${gallery.sha256.slice(0, 12)} in use after ${Date.now() - started} ms (no reload)`);
  return { kind: "updated", current: { ...current, gallery } };
}
