// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Import boundaries from docs/design.md ("Parts and what each may import").
 * Each entry: the files it governs and the module patterns they may not import.
 */
const appPaths = ["**/apps/*/src/**", "@edgelens/console", "@edgelens/broker", "@edgelens/agent"];
export const boundaries = [
  {
    name: "shared imports nothing of the workspace and stays browser-safe",
    files: ["packages/shared/**/*.ts"],
    patterns: [
      { group: ["@edgelens/*"], message: "packages/shared imports nothing of the workspace (docs/design.md)." },
      { group: ["node:*", "fs", "path", "crypto", "os", "child_process"], message: "packages/shared is browser-safe: no node:* imports (docs/design.md)." },
      { group: appPaths, message: "A package never imports an app (docs/design.md)." },
    ],
  },
  {
    name: "db and vision import only shared",
    files: ["packages/db/**/*.ts", "packages/vision/**/*.ts"],
    patterns: [
      { group: ["@edgelens/console", "@edgelens/broker", "@edgelens/agent", "**/apps/*/src/**"], message: "A package never imports an app (docs/design.md)." },
    ],
  },
  {
    name: "vision does not import db",
    files: ["packages/vision/**/*.ts"],
    patterns: [{ group: ["@edgelens/db", "@edgelens/db/*"], message: "packages/vision imports only @edgelens/shared (docs/design.md)." }],
  },
  {
    name: "agent never imports db, next or another app",
    files: ["apps/agent/src/**/*.ts"],
    patterns: [
      { group: ["@edgelens/db", "@edgelens/db/*"], message: "The agent never imports @edgelens/db (docs/design.md): it talks to the console over HTTP and MQTT only." },
      { group: ["next", "next/*", "react", "react-dom"], message: "The agent never imports next or react (docs/design.md)." },
      { group: ["@edgelens/console", "@edgelens/broker", "**/console/src/**", "**/broker/src/**"], message: "No app imports another app (docs/design.md)." },
    ],
  },
  {
    name: "broker imports shared and db only",
    files: ["apps/broker/**/*.ts"],
    patterns: [
      { group: ["@edgelens/vision", "@edgelens/vision/*", "next", "next/*"], message: "The broker imports only @edgelens/shared and @edgelens/db (docs/design.md)." },
      { group: ["@edgelens/console", "@edgelens/agent", "**/console/src/**", "**/agent/src/**"], message: "No app imports another app (docs/design.md)." },
    ],
  },
  {
    name: "console imports no other app",
    files: ["apps/console/**/*.ts", "apps/console/**/*.tsx"],
    patterns: [
      { group: ["@edgelens/broker", "@edgelens/agent", "**/broker/src/**", "**/agent/src/**"], message: "No app imports another app (docs/design.md)." },
    ],
  },
];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.next/**", "**/data/**", "**/.cache/**", "**/next-env.d.ts", "**/drizzle/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", fetch: "readonly", AbortController: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", performance: "readonly", structuredClone: "readonly", queueMicrotask: "readonly", setImmediate: "readonly", window: "readonly", document: "readonly", navigator: "readonly", localStorage: "readonly", requestAnimationFrame: "readonly", cancelAnimationFrame: "readonly", Response: "readonly", Request: "readonly", Headers: "readonly", FormData: "readonly", Blob: "readonly", File: "readonly", XMLHttpRequest: "readonly", atob: "readonly", btoa: "readonly", crypto: "readonly", ReadableStream: "readonly", AbortSignal: "readonly", WebSocket: "readonly", Image: "readonly", HTMLCanvasElement: "readonly", HTMLElement: "readonly", ImageData: "readonly", createImageBitmap: "readonly", EventSource: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
    },
  },
  // Why: no-restricted-imports overrides rather than merges across config objects, so each
  // boundary is its own object; a file governed by two boundaries gets the later one's list.
  ...boundaries.map((b) => ({
    files: b.files,
    rules: { "no-restricted-imports": ["error", { patterns: b.patterns }] },
  })),
  // vision's own files get both of its boundaries at once.
  {
    files: ["packages/vision/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...(boundaries[1]?.patterns ?? []), ...(boundaries[2]?.patterns ?? [])] }],
    },
  },
);
