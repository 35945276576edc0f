import { canPublish, canSubscribe, parseDeviceTopic, type DeviceTopic } from "@edgelens/shared/topics";

/**
 * Memoised topic parsing and ACL decisions. Both are pure functions of strings that repeat on
 * every message (one topic per device and kind), and parsing runs zod id checks, so the broker
 * asks the shared functions once per distinct input. Bounded: a flood of distinct topics only
 * resets the cache.
 */
const MAX_ENTRIES = 100_000;

function bounded<V>(): { get(key: string, make: (key: string) => V): V } {
  let map = new Map<string, V>();
  return {
    get(key, make) {
      const hit = map.get(key);
      if (hit !== undefined || map.has(key)) return hit as V;
      if (map.size >= MAX_ENTRIES) map = new Map();
      const value = make(key);
      map.set(key, value);
      return value;
    },
  };
}

/** Keyed by (device, topic) without building a joined key string per message. */
function boundedPairs(): { get(device: string, topic: string, make: (device: string, topic: string) => boolean): boolean } {
  let byDevice = new Map<string, Map<string, boolean>>();
  let size = 0;
  return {
    get(device, topic, make) {
      let topics = byDevice.get(device);
      const hit = topics?.get(topic);
      if (hit !== undefined) return hit;
      if (size >= MAX_ENTRIES) {
        byDevice = new Map();
        size = 0;
        topics = undefined;
      }
      if (!topics) byDevice.set(device, (topics = new Map()));
      const value = make(device, topic);
      topics.set(topic, value);
      size++;
      return value;
    },
  };
}

const parsed = bounded<DeviceTopic | null>();
const publishes = boundedPairs();
const subscribes = boundedPairs();

export function deviceTopicOf(topic: string): DeviceTopic | null {
  return parsed.get(topic, parseDeviceTopic);
}

export function deviceMayPublish(deviceId: string, topic: string): boolean {
  return publishes.get(deviceId, topic, canPublish);
}

export function deviceMaySubscribe(deviceId: string, filter: string): boolean {
  return subscribes.get(deviceId, filter, canSubscribe);
}
