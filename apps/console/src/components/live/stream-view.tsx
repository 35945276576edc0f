"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { topics } from "@edgelens/shared/topics";
import { useMqttSubscription } from "../mqtt/mqtt-provider";
import type { ActionResult } from "../ui/action-result";
import { buttonClasses } from "../ui/button";

export type StreamName = "project" | "device";
export type RequestStream = (deviceId: string, stream: StreamName, seconds: number) => Promise<ActionResult<{ until: number }>>;

const REQUEST_SECONDS = 30;
/** Ask again this long before the current request runs out, so the picture never pauses. */
const RENEW_BEFORE_MS = 8_000;

/**
 * A live preview: asks the device for frames on demand (`stream/request`, renewed while the
 * tab is visible) and draws each JPEG from `frames/{stream}` on a canvas. Frames that arrive
 * while one is being decoded are dropped: only the latest matters.
 */
export function StreamView({ deviceId, stream, requestStream, autoStart = false, title }: { deviceId: string; stream: StreamName; requestStream: RequestStream; autoStart?: boolean; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [active, setActive] = useState(autoStart);
  const [error, setError] = useState<string | null>(null);
  const [frames, setFrames] = useState(0);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [fps, setFps] = useState(0);
  const decoding = useRef(false);
  const arrivals = useRef<number[]>([]);

  const ask = useCallback(async () => {
    const result = await requestStream(deviceId, stream, REQUEST_SECONDS);
    if (!result.ok) setError(result.error);
    else setError(null);
    return result;
  }, [deviceId, stream, requestStream]);

  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const loop = async () => {
      if (document.visibilityState === "visible") await ask();
      if (!stopped) timer = setTimeout(loop, REQUEST_SECONDS * 1000 - RENEW_BEFORE_MS);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, ask]);

  useMqttSubscription(active ? topics.frames(deviceId, stream) : null, ({ payload }) => {
    const now = performance.now();
    arrivals.current = [...arrivals.current.filter((t) => now - t < 2000), now];
    if (decoding.current) return;
    decoding.current = true;
    createImageBitmap(new Blob([payload as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }))
      .then((bitmap) => {
        const el = canvas.current;
        if (el) {
          if (el.width !== bitmap.width || el.height !== bitmap.height) {
            el.width = bitmap.width;
            el.height = bitmap.height;
            setSize({ w: bitmap.width, h: bitmap.height });
          }
          el.getContext("2d")?.drawImage(bitmap, 0, 0);
        }
        bitmap.close();
        setFrames((n) => n + 1);
        setFps(arrivals.current.length / 2);
      })
      .catch((e: unknown) => setError(`A frame could not be decoded: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        decoding.current = false;
      });
  });

  return (
    <div className="space-y-2" data-testid={`stream-${stream}`} data-frames={frames}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-700">{title}</h3>
        <div className="flex items-center gap-2 text-xs text-slate-500">
          {active && frames > 0 ? (
            <span className="tabular-nums">
              {size ? `${size.w}×${size.h} · ` : ""}
              {fps.toFixed(1)} fps
            </span>
          ) : null}
          <button type="button" className={buttonClasses(active ? "secondary" : "primary", "py-1 text-xs")} onClick={() => setActive((a) => !a)} data-testid={`stream-${stream}-toggle`}>
            {active ? "Stop" : "Watch live"}
          </button>
        </div>
      </div>
      <div className="relative aspect-video overflow-hidden rounded-md bg-slate-900">
        <canvas ref={canvas} className="h-full w-full object-contain" aria-label={`${title} frames`} />
        {frames === 0 ? (
          <div className="absolute inset-0 grid place-items-center p-4 text-center text-sm text-slate-400">
            {active ? (error ? <span className="text-rose-300">{error}</span> : "Waiting for frames…") : "Live view is off. Frames are only sent while someone watches."}
          </div>
        ) : null}
      </div>
      {frames > 0 && error ? <p className="text-xs text-rose-600">{error}</p> : null}
    </div>
  );
}
