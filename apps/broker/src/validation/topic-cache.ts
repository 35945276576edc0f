import { canPublish, canSubscribe, parseDeviceTopic, type DeviceTopic } from "@edgelens/shared/topics";

/**
 * Memoised topic parsing and ACL decisions. Both are pure functions of strings that repeat on
 * every message (one topic per device and kind), and parsing runs zod id checks, so the broker
 * asks the shared functions once per distinct input. Bounded: a flood of distinct topics only
 * resets the cache.
 */
const MAX_ENTRIES = 100_000;

function bounded<V>(): { get(key: string, make: () => V): V } {
  let map = new Map<string, V>();
  return {
    get(key, make) {
      const hit = map.get(key);
      if (hit !== undefined || map.has(key)) return hit as V;
      if (map.size >= MAX_ENTRIES) map = new Map();
      const value = make();
      map.set(key, value);
      return value;
    },
  };
}

const parsed = bounded<DeviceTopic | null>();
const publishes = bounded<boolean>();
const subscribes = bounded<boolean>();

export function deviceTopicOf(topic: string): DeviceTopic | null {
  return parsed.get(topic, () => parseDeviceTopic(topic));
}

/** MQTT topics cannot contain U+0000, so it separates the two parts of a key. */
export function deviceMayPublish(deviceId: string, topic: string): boolean {
  return publishes.get(`${deviceId}\u0000${topic}`, () => canPublish(deviceId, topic));
}

export function deviceMaySubscribe(deviceId: string, filter: string): boolean {
  return subscribes.get(`${deviceId}\u0000${filter}`, () => canSubscribe(deviceId, filter));
}
