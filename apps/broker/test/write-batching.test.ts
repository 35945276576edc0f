import { createServer, connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchWrites } from "../src/transport/write-batching";

/**
 * aedes writes every delivery from its own setImmediate, and mqtt-packet uncorks after each:
 * one syscall per message. batchWrites (src/transport/write-batching.ts) joins what is written in
 * one event-loop turn into one writev, without changing the bytes.
 */
describe("write batching", () => {
  let server: ReturnType<typeof createServer>;
  let port = 0;
  const received: Buffer[] = [];
  let onData = () => undefined as void;

  beforeAll(async () => {
    server = createServer((socket) =>
      socket.on("data", (chunk: Buffer) => {
        received.push(chunk);
        onData();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const arrived = () => received.reduce((n, b) => n + b.length, 0);
  /** Bounded: a missing byte fails the test after 5 s. */
  function waitForBytes(total: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${arrived()} of ${total} bytes arrived`)), 5000);
      const check = () => {
        if (arrived() < total) return;
        clearTimeout(timer);
        resolve();
      };
      onData = check;
      check();
    });
  }

  async function deliverThree(batched: boolean): Promise<number> {
    const socket: Socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    if (batched) batchWrites(socket);
    let writes = 0;
    const internal = socket as unknown as { _writev: (...a: unknown[]) => void; _write: (...a: unknown[]) => void };
    const writev = internal._writev.bind(socket);
    const write = internal._write.bind(socket);
    internal._writev = (...a) => (writes++, writev(...a));
    internal._write = (...a) => (writes++, write(...a));
    const before = arrived();
    const packets = [1, 2, 3].map((n) => Buffer.from(`message ${n}`));
    const bytes = packets.reduce((n, p) => n + p.length, 0);
    // Like aedes with mqtt-packet: each delivery in its own setImmediate callback of the same
    // turn, corked for the packet and uncorked on the next tick.
    for (const packet of packets) {
      setImmediate(() => {
        socket.cork();
        process.nextTick(() => socket.uncork());
        socket.write(packet);
      });
    }
    await waitForBytes(before + bytes);
    socket.destroy();
    expect(arrived() - before, "bytes that arrived").toBe(bytes);
    return writes;
  }

  it("sends the packets of one turn in one write", async () => {
    expect(await deliverThree(false), "writes without batching").toBe(3);
    expect(await deliverThree(true), "writes with batching").toBe(1);
  });
});
