import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { Spool } from "../src/spool/spool";
import { makeTempDir } from "./support/temp-dir";

describe("spool", () => {
  let dir: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    dir = makeTempDir("spool");
  });
  afterEach(() => dir.remove());

  const open = (over: Partial<Parameters<typeof Spool.open>[0]> = {}): Spool =>
    Spool.open({ path: join(dir.path, "spool.db"), maxMessages: 1000, maxBytes: 1 << 20, ...over });

  it("keeps messages in order until acked, across a reopen", () => {
    const s = open();
    for (let i = 0; i < 5; i++) s.enqueue("t/x", JSON.stringify({ i }), { qos: 1 });
    const first = s.peekAfter(0, 2);
    expect(first.map((m) => JSON.parse(m.payload.toString()).i)).toEqual([0, 1]);
    s.ack(first[0]!.id, first[0]!.payload.length);
    expect(s.depth()).toBe(4);
    s.close();

    const again = open();
    const rest = again.peekAfter(0, 10);
    expect(rest.map((m) => JSON.parse(m.payload.toString()).i)).toEqual([1, 2, 3, 4]);
    expect(rest.every((m) => m.topic === "t/x" && m.qos === 1 && !m.retain)).toBe(true);
    expect(again.depth()).toBe(4);
    again.close();
  });

  it("numbers messages of a key by one each, and the numbering survives a reopen", () => {
    const s = open();
    const seqs = [0, 1, 2].map(() => s.enqueueWithSeq("dep-1", "t/infer", (seq) => JSON.stringify({ seq })).seq);
    expect(seqs).toEqual([0, 1, 2]);
    expect(s.enqueueWithSeq("dep-2", "t/infer", (seq) => JSON.stringify({ seq })).seq).toBe(0);
    s.close();
    const again = open();
    expect(again.enqueueWithSeq("dep-1", "t/infer", (seq) => JSON.stringify({ seq })).seq).toBe(3);
    expect(again.peekAfter(0, 10).map((m) => JSON.parse(m.payload.toString()).seq)).toEqual([0, 1, 2, 0, 3]);
    again.close();
  });

  it("does not consume a seq when building the payload throws", () => {
    const s = open();
    expect(() =>
      s.enqueueWithSeq("d", "t", () => {
        throw new Error("bad payload");
      }),
    ).toThrow("bad payload");
    expect(s.peekSeq("d")).toBe(0);
    expect(s.depth()).toBe(0);
    s.close();
  });

  it("drops the oldest beyond its bounds and counts them durably", () => {
    const drops: number[] = [];
    const s = open({ maxMessages: 3, onDrop: (n) => drops.push(n) });
    for (let i = 0; i < 5; i++) s.enqueue("t", String(i));
    expect(s.depth()).toBe(3);
    expect(s.peekAfter(0, 10).map((m) => m.payload.toString())).toEqual(["2", "3", "4"]);
    expect(s.droppedTotal()).toBe(2);
    expect(drops).toEqual([1, 1]);
    s.close();

    const bytes = open({ maxMessages: 100, maxBytes: 10 });
    expect(bytes.droppedTotal()).toBe(2);
    bytes.enqueue("t", "abcdefghi");
    expect(bytes.peekAfter(0, 10).map((m) => m.payload.toString())).toEqual(["4", "abcdefghi"]);
    expect(bytes.bytes()).toBe(10);
    expect(bytes.droppedTotal()).toBe(4);
    bytes.close();
  });

  it("refuses bounds that are not positive", () => {
    expect(() => open({ maxMessages: 0 })).toThrow(/spool bounds/);
  });
});
