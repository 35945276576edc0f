import { filters, topics } from "@edgelens/shared/topics";

/** What the test box starts with: a people-counter result, the most common thing a rule sees. */
export const SAMPLE_TOPIC = topics.infer("front-door");

export const SAMPLE_PAYLOAD = JSON.stringify(
  {
    deviceId: "front-door",
    projectId: "people-counter",
    seq: 42,
    ts: 1767225600000,
    frame: { width: 768, height: 576 },
    latencyMs: { total: 41, inference: 20 },
    detections: [
      { label: "person", classId: 0, score: 0.81, box: [120, 80, 220, 400], trackId: 3 },
      { label: "person", classId: 0, score: 0.66, box: [400, 90, 480, 380], trackId: 7 },
    ],
    counts: { person: 2 },
  },
  null,
  2,
);

export const SAMPLE_SQL = `SELECT deviceId, counts.person AS people, topic(3) AS device FROM '${filters.allOf("infer")}' WHERE counts.person > 1`;
