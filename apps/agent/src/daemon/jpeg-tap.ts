import type { StreamName } from "@edgelens/shared/schemas";
import type { Frame } from "@edgelens/vision/project";
import type { FrameTap, JpegFrame } from "../stream/frame-tap";

export type FrameGetter = (stream: StreamName) => Frame | undefined;

/**
 * Encodes the latest frame of a stream as JPEG once per frame, however many viewers and preview
 * subscribers ask: concurrent asks for the same frame share one encode.
 */
export class JpegTap implements FrameTap {
  private readonly cache = new Map<StreamName, { frame: Frame; jpeg: Promise<JpegFrame> }>();

  constructor(
    private readonly getFrame: FrameGetter,
    private readonly quality: number,
  ) {}

  latest(stream: StreamName): Promise<JpegFrame | null> {
    const frame = this.getFrame(stream);
    if (!frame) return Promise.resolve(null);
    const hit = this.cache.get(stream);
    if (hit && hit.frame === frame) return hit.jpeg;
    // The device stream's frame may go back to the source's pool (and be overwritten) while it is
    // encoded; the project stream's is already a copy.
    const picture = stream === "device" ? { ...frame, data: Uint8Array.from(frame.data) } : frame;
    // Loaded on first use: sharp (libvips) costs the agent RSS while nobody watches a stream.
    const jpeg = import("@edgelens/vision/image")
      .then(({ encodeJpeg }) => encodeJpeg(picture, { quality: this.quality }))
      .then((bytes) => ({
      seq: frame.seq,
      ts: frame.ts,
      width: frame.width,
      height: frame.height,
      jpeg: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    }));
    this.cache.set(stream, { frame, jpeg });
    // A failed encode must not stick to the frame: the next ask tries again.
    jpeg.catch(() => {
      if (this.cache.get(stream)?.jpeg === jpeg) this.cache.delete(stream);
    });
    return jpeg;
  }
}
