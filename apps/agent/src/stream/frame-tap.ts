import type { StreamName } from "@edgelens/shared/schemas";

export interface JpegFrame {
  /** Source frame number: equal numbers mean the same picture. */
  seq: number;
  ts: number;
  width: number;
  height: number;
  jpeg: Buffer;
}

/**
 * Where the stream server and the preview publisher get pictures: `device` is the camera as it
 * is, `project` the frame the function saw with its overlays drawn. Implementations encode
 * lazily, so nothing is encoded while no one watches.
 */
export interface FrameTap {
  latest(stream: StreamName): Promise<JpegFrame | null>;
}
