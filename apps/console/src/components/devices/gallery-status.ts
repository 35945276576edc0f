/**
 * What the device page says about a face-recognition project's gallery: the one the console sends
 * (the deployment row) against the one the device reports in use (`shadow/reported`,
 * docs/design.md "Face gallery"). Pure, so the wording is tested without a browser.
 */
export interface GalleryStatus {
  tone: "ok" | "pending";
  text: string;
}

const short = (sha: string) => sha.slice(0, 12);

/** `reportsThis`: the device's report covers this deployment (else it has not reported it yet). */
export function galleryStatus(sent: string | null | undefined, inUse: string | undefined, reportsThis: boolean): GalleryStatus | null {
  if (!sent) return null;
  if (!reportsThis) return { tone: "pending", text: `Face gallery ${short(sent)} sent` };
  if (inUse === sent) return { tone: "ok", text: `Face gallery up to date (${short(sent)})` };
  if (inUse === undefined) return { tone: "pending", text: `Face gallery ${short(sent)} sent; this agent does not report the gallery it uses` };
  return { tone: "pending", text: `Face gallery updating: the device uses ${short(inUse)}, ${short(sent)} sent` };
}
