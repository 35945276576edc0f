import type { Duplex } from "node:stream";

/**
 * One socket write per event-loop turn instead of one per packet. mqtt-packet corks the stream
 * for each packet it writes and uncorks on the next tick, and aedes delivers every message in
 * its own setImmediate callback, after each of which the tick queue runs: a subscriber of many
 * devices got one writev syscall per message, the largest single cost in the broker's CPU
 * profile under bench/broker-vs-mosquitto.ts (issue 14.1). Here the first cork of a turn takes an
 * extra hold that is released in a setImmediate, so everything written to this stream until then
 * leaves in one writev. What `write()` returns (and so aedes' drain handling) is unchanged: it
 * still reports the buffered length against the high-water mark.
 */
export function batchWrites(stream: Duplex): void {
  const cork = stream.cork;
  let held = false;
  const release = () => {
    held = false;
    stream.uncork();
  };
  stream.cork = function corkOncePerTurn(this: Duplex) {
    if (!held && !stream.destroyed) {
      held = true;
      cork.call(stream);
      setImmediate(release);
    }
    cork.call(stream);
  };
}
