import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgelensError } from "@edgelens/shared/errors";
import { redactUri } from "@edgelens/shared/schemas";

/** Where frames come from, parsed from a project's `config.source`. */
export type SourceSpec =
  | { kind: "file"; path: string; loop: boolean }
  | { kind: "dir"; path: string; loop: boolean }
  | { kind: "rtsp"; url: string }
  | { kind: "http"; url: string }
  | { kind: "v4l2"; device: string }
  | { kind: "testsrc"; pattern: string; width?: number; height?: number; rate?: number };

export type SourceKind = SourceSpec["kind"];

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const TEST_PATTERNS = new Set(["testsrc", "testsrc2", "smptebars", "smptehdbars", "rgbtestsrc", "yuvtestsrc", "mandelbrot", "life"]);
const USAGE = "use a path, file:///x.mp4?loop=1, dir:///images, rtsp://, http(s):// (MJPEG), v4l2:///dev/video0 or testsrc://";

function invalid(uri: string, why: string): EdgelensError {
  return new EdgelensError("SOURCE_FAILED", `invalid source "${redactSourceUri(uri)}": ${why}`, { source: redactSourceUri(uri) });
}

function parseLoop(uri: string, url: URL): boolean {
  for (const key of url.searchParams.keys()) {
    if (key !== "loop") throw invalid(uri, `unknown option "${key}" (only "loop")`);
  }
  const loop = url.searchParams.get("loop");
  if (loop === null || loop === "0" || loop === "false") return false;
  if (loop === "" || loop === "1" || loop === "true") return true;
  throw invalid(uri, `loop must be 1 or 0, got "${loop}"`);
}

function positiveInt(uri: string, name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0 || value > 8192) throw invalid(uri, `${name} must be a positive integer, got "${text}"`);
  return value;
}

function parseTestsrc(uri: string, url: URL): SourceSpec {
  const pattern = url.hostname || "testsrc";
  if (!TEST_PATTERNS.has(pattern)) throw invalid(uri, `unknown test pattern "${pattern}" (${[...TEST_PATTERNS].join(", ")})`);
  const spec: Extract<SourceSpec, { kind: "testsrc" }> = { kind: "testsrc", pattern };
  for (const [key, value] of url.searchParams) {
    if (key === "size") {
      const match = /^(\d+)x(\d+)$/.exec(value);
      if (!match) throw invalid(uri, `size must be WIDTHxHEIGHT, got "${value}"`);
      spec.width = positiveInt(uri, "width", match[1] ?? "");
      spec.height = positiveInt(uri, "height", match[2] ?? "");
    } else if (key === "rate") {
      spec.rate = positiveInt(uri, "rate", value);
    } else {
      throw invalid(uri, `unknown option "${key}" (size, rate)`);
    }
  }
  return spec;
}

/**
 * Parses a source URI. A plain path is a `file` here: whether it names a directory is decided by
 * createFrameSource, which looks at the file system.
 */
export function parseSourceUri(uri: string, cwd = process.cwd()): SourceSpec {
  const text = uri.trim();
  if (text === "") throw invalid(uri, `empty source; ${USAGE}`);
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^\/dev\/video\d+$/.test(text)) return { kind: "v4l2", device: text };
    return { kind: "file", path: resolve(cwd, text), loop: false };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(uri, `not a valid URI; ${USAGE}`);
  }
  switch (scheme) {
    case "file":
      return { kind: "file", path: fileURLToPath(new URL(url.pathname, "file://")), loop: parseLoop(uri, url) };
    case "dir":
      return { kind: "dir", path: resolve(cwd, decodeURIComponent(url.pathname)), loop: parseLoop(uri, url) };
    case "rtsp":
    case "rtsps":
      return { kind: "rtsp", url: text };
    case "http":
    case "https":
      return { kind: "http", url: text };
    case "v4l2":
      if (!url.pathname.startsWith("/dev/")) throw invalid(uri, "expected v4l2:///dev/videoN");
      return { kind: "v4l2", device: url.pathname };
    case "testsrc":
      return parseTestsrc(uri, url);
    default:
      throw invalid(uri, `unsupported scheme "${scheme}://"; ${USAGE}`);
  }
}

/** The URI with any password replaced, safe for logs and errors. */
export const redactSourceUri = redactUri;
