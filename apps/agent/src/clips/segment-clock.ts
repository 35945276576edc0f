/**
 * Wall-clock times of ring pieces. ffmpeg's segment list gives each piece's start and end in
 * stream time; the moment a line arrives is that end in wall time plus however late the report
 * was (the encoder or the box busy). Reports are never early, so the smallest "wall time at stream
 * time 0" seen over recent pieces is the least-delayed estimate; over a window, not for ever, so
 * that a camera clock running slightly slower than ours is followed. Without this a late report
 * stamped its piece up to a second late and a clip took one piece too many.
 */
const WINDOW = 30;

/** One per ffmpeg run: each run's stream time starts again. */
export class SegmentClock {
  private readonly origins: number[] = [];

  /** The wall-clock span (ms) of a piece of `startS..endS` stream seconds reported at `reportedAt`. */
  place(startS: number, endS: number, reportedAt: number): { startMs: number; endMs: number } {
    this.origins.push(reportedAt - endS * 1000);
    if (this.origins.length > WINDOW) this.origins.shift();
    const origin = Math.min(...this.origins);
    return { startMs: Math.round(origin + startS * 1000), endMs: Math.round(origin + endS * 1000) };
  }
}
