"use client";

import type { MqttClient } from "mqtt";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { topicMatches } from "@edgelens/shared/topics";
import { fetchMqttToken, refreshDelayMs } from "./mqtt-token";

export type MqttMessage = { topic: string; payload: Uint8Array; retain: boolean; qos: number };
export type MqttHandler = (message: MqttMessage) => void;
export type MqttState = { status: "connecting" | "connected" | "reconnecting" | "error"; error: string | null };

type Hub = {
  subscribe(filter: string, handler: MqttHandler): () => void;
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }): Promise<void>;
};

const HubContext = createContext<Hub | null>(null);
const StateContext = createContext<MqttState>({ status: "connecting", error: null });

/**
 * One broker connection per browser tab, over WebSocket with the user's short-lived token.
 * Components subscribe by filter; the provider reference-counts filters so that two
 * components watching the same device share one broker subscription.
 */
export function MqttProvider({ children }: { children: ReactNode }) {
  const clientRef = useRef<MqttClient | null>(null);
  const handlers = useRef(new Map<string, Set<MqttHandler>>());
  const [state, setState] = useState<MqttState>({ status: "connecting", error: null });

  useEffect(() => {
    let cancelled = false;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;

    async function start() {
      try {
        const [mod, token] = await Promise.all([import("mqtt"), fetchMqttToken()]);
        // The browser build (dist/mqtt.esm.js) has only a default export; Node's has named ones too.
        const connect = (mod as Partial<typeof mod>).connect ?? mod.default.connect;
        if (cancelled) return;
        const client = connect(token.wsUrl, {
          username: token.username,
          password: token.password,
          // An underscore never appears in a device id, so the broker can never take this for a device (identity.ts).
          clientId: `ui_${crypto.randomUUID().slice(0, 12)}`,
          reconnectPeriod: 2000,
          connectTimeout: 10_000,
          clean: true,
        });
        clientRef.current = client;
        const scheduleRefresh = (expiresAt: number) => {
          refreshTimer = setTimeout(async () => {
            try {
              const next = await fetchMqttToken();
              // Why: mqtt.js reuses client.options on every reconnect, so the fresh token is used next time.
              client.options.username = next.username;
              client.options.password = next.password;
              scheduleRefresh(next.expiresAt);
            } catch (e) {
              setState({ status: "error", error: e instanceof Error ? e.message : String(e) });
            }
          }, refreshDelayMs(expiresAt));
        };
        scheduleRefresh(token.expiresAt);
        client.on("connect", () => {
          setState({ status: "connected", error: null });
          for (const filter of handlers.current.keys()) client.subscribe(filter, { qos: 1 });
        });
        client.on("reconnect", () => setState((s) => ({ status: "reconnecting", error: s.error })));
        client.on("error", (e) => setState({ status: "error", error: e.message }));
        client.on("message", (topic, payload, packet) => {
          const message: MqttMessage = { topic, payload, retain: packet.retain, qos: packet.qos };
          for (const [filter, set] of handlers.current) {
            if (!topicMatches(filter, topic)) continue;
            for (const h of set) h(message);
          }
        });
      } catch (e) {
        if (!cancelled) setState({ status: "error", error: e instanceof Error ? e.message : String(e) });
      }
    }
    void start();
    return () => {
      cancelled = true;
      clearTimeout(refreshTimer);
      clientRef.current?.end(true);
      clientRef.current = null;
    };
  }, []);

  const hub = useMemo<Hub>(
    () => ({
      subscribe(filter, handler) {
        let set = handlers.current.get(filter);
        if (!set) {
          set = new Set();
          handlers.current.set(filter, set);
          if (clientRef.current?.connected) clientRef.current.subscribe(filter, { qos: 1 });
        }
        set.add(handler);
        return () => {
          const current = handlers.current.get(filter);
          if (!current) return;
          current.delete(handler);
          if (current.size === 0) {
            handlers.current.delete(filter);
            if (clientRef.current?.connected) clientRef.current.unsubscribe(filter);
          }
        };
      },
      publish(topic, payload, opts) {
        const client = clientRef.current;
        if (!client?.connected) return Promise.reject(new Error("Not connected to the broker"));
        return new Promise((resolve, reject) => client.publish(topic, payload, opts, (err) => (err ? reject(err) : resolve())));
      },
    }),
    [],
  );

  return (
    <HubContext.Provider value={hub}>
      <StateContext.Provider value={state}>{children}</StateContext.Provider>
    </HubContext.Provider>
  );
}

export function useMqttHub(): Hub {
  const hub = useContext(HubContext);
  if (!hub) throw new Error("useMqttHub needs an <MqttProvider> above it");
  return hub;
}

export function useMqttState(): MqttState {
  return useContext(StateContext);
}

/** Calls `onMessage` for every message on `filter` (null: none); the latest callback is always used. */
export function useMqttSubscription(filter: string | null, onMessage: MqttHandler): void {
  const hub = useMqttHub();
  const latest = useRef(onMessage);
  useEffect(() => {
    latest.current = onMessage;
  });
  useEffect(() => {
    if (!filter) return;
    return hub.subscribe(filter, (m) => latest.current(m));
  }, [hub, filter]);
}
