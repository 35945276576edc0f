import { describe, expect, it } from "vitest";
import { buildDeviceTopic, canPublish, canSubscribe, filters, parseDeviceTopic, topicLevel, topicMatches, topics, type DeviceTopic } from "../src/topics";

const all: DeviceTopic[] = [
  { deviceId: "cam-1", kind: "infer" },
  { deviceId: "cam-1", kind: "status" },
  { deviceId: "cam-1", kind: "telemetry" },
  { deviceId: "cam-1", kind: "shadow/desired" },
  { deviceId: "cam-1", kind: "shadow/reported" },
  { deviceId: "cam-1", kind: "deployments", deploymentId: "dep-42" },
  { deviceId: "cam-1", kind: "stream/request" },
  { deviceId: "cam-1", kind: "frames", stream: "project" },
  { deviceId: "cam-1", kind: "frames", stream: "device" },
  { deviceId: "cam-1", kind: "logs" },
  { deviceId: "cam-1", kind: "commands" },
];

describe("topics", () => {
  it.each(all)("parse(build(x)) == x for $kind", (t) => {
    expect(parseDeviceTopic(buildDeviceTopic(t))).toEqual(t);
  });

  it("spells the docs/design.md topics", () => {
    expect(topics.infer("cam-1")).toBe("edgelens/devices/cam-1/infer");
    expect(topics.shadowDesired("cam-1")).toBe("edgelens/devices/cam-1/shadow/desired");
    expect(topics.deployment("cam-1", "d1")).toBe("edgelens/devices/cam-1/deployments/d1");
    expect(topics.frames("cam-1", "project")).toBe("edgelens/devices/cam-1/frames/project");
  });

  it.each([
    "edgelens/devices/cam-1",
    "edgelens/devices/cam-1/unknown",
    "edgelens/devices/cam-1/infer/extra",
    "edgelens/devices/+/infer",
    "edgelens/devices/cam-1/frames/audio",
    "edgelens/devices/Cam_1/infer",
    "other/devices/cam-1/infer",
    "edgelens/devices/cam-1/shadow",
  ])("parse rejects %s", (t) => {
    expect(parseDeviceTopic(t)).toBeNull();
  });

  it("matches MQTT filters", () => {
    expect(topicMatches(filters.allOf("infer"), topics.infer("cam-1"))).toBe(true);
    expect(topicMatches(filters.allOf("infer"), topics.status("cam-1"))).toBe(false);
    expect(topicMatches(filters.allDevices, topics.deployment("cam-1", "d"))).toBe(true);
    expect(topicMatches("edgelens/#", "edgelens")).toBe(true);
    expect(topicMatches("#", "$SYS/broker")).toBe(false);
    expect(topicMatches("a/+", "a/b/c")).toBe(false);
  });

  it("topic(n) is 1-based", () => {
    expect(topicLevel("edgelens/devices/cam-1/infer", 3)).toBe("cam-1");
    expect(topicLevel("edgelens/devices/cam-1/infer", 9)).toBeUndefined();
  });
});

describe("ACL", () => {
  const me = "cam-1";
  it("a device publishes its own results, status, telemetry, reported, progress, frames, logs", () => {
    for (const t of all.filter((x) => !["shadow/desired", "commands", "stream/request"].includes(x.kind))) {
      expect(canPublish(me, buildDeviceTopic(t)), buildDeviceTopic(t)).toBe(true);
    }
  });
  it("a device never publishes what the console drives", () => {
    expect(canPublish(me, topics.shadowDesired(me))).toBe(false);
    expect(canPublish(me, topics.commands(me))).toBe(false);
    expect(canPublish(me, topics.streamRequest(me))).toBe(false);
  });
  it("a device cannot publish for another device or outside its prefix", () => {
    expect(canPublish(me, topics.infer("cam-2"))).toBe(false);
    expect(canPublish(me, "edgelens/devices/cam-1x/infer")).toBe(false);
    expect(canPublish(me, "alerts/cam-1")).toBe(false);
    expect(canPublish(me, "edgelens/devices/cam-1/../cam-2/infer")).toBe(false);
  });
  it("a device subscribes only to its own desired, commands and stream requests", () => {
    expect(canSubscribe(me, topics.shadowDesired(me))).toBe(true);
    expect(canSubscribe(me, topics.commands(me))).toBe(true);
    expect(canSubscribe(me, topics.streamRequest(me))).toBe(true);
    expect(canSubscribe(me, topics.shadowReported(me))).toBe(false);
    expect(canSubscribe(me, topics.infer(me))).toBe(false);
    expect(canSubscribe(me, topics.shadowDesired("cam-2"))).toBe(false);
  });
  it.each([
    "#",
    "edgelens/#",
    "edgelens/devices/+/shadow/desired",
    "edgelens/devices/+/infer",
    "edgelens/devices/cam-1/#",
    "edgelens/devices/cam-1/+",
    "edgelens/devices/cam-1/shadow/+",
    "+/devices/cam-1/commands",
    "edgelens/+/cam-1/commands",
  ])("wildcard filter %s is refused", (f) => {
    expect(canSubscribe(me, f)).toBe(false);
  });
});
