import type { ClipView } from "@/server/services/clips";

/**
 * An event's clip: a `<video>` of the MP4 (`/api/artifacts/{sha256}`, served with Range so the
 * browser can seek), "coming" while the device records it, or the device's reason when it failed.
 */
export function ClipPlayer({ clip, compact = false }: { clip: ClipView | null; compact?: boolean }) {
  if (!clip) return null;
  if (clip.state === "requested") {
    return (
      <span className="text-xs text-slate-500" data-testid="clip-pending">
        clip coming…
      </span>
    );
  }
  if (clip.state === "failed" || !clip.url) {
    return (
      <span className="block max-w-64 whitespace-normal text-xs text-red-700" data-testid="clip-error" title={clip.error?.message}>
        no clip: {clip.error ? `[${clip.error.code}] ${clip.error.message}` : "unknown"}
      </span>
    );
  }
  return (
    <video
      src={clip.url}
      controls
      muted
      playsInline
      preload="metadata"
      className={compact ? "h-24 w-40 rounded bg-black" : "w-full rounded bg-black"}
      data-testid="clip-video"
      data-clip-id={clip.clipId}
      aria-label={`Clip ${clip.clipId}${clip.durationMs ? `, ${Math.round(clip.durationMs / 100) / 10} s` : ""}`}
    />
  );
}
