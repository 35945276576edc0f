import type { NextConfig } from "next";
import { loadConsoleConfig } from "./src/env";
import { API_CSP, BASE_SECURITY_HEADERS } from "./src/server/http/security-headers";

// Validated here too, so that `next dev`/`next start` with a bad variable stops at once, naming it.
const env = loadConsoleConfig();

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source (root README, "Development").
  transpilePackages: ["@edgelens/shared", "@edgelens/db", "@edgelens/vision"],
  // Native or binary-carrying packages stay as Node requires on the server.
  serverExternalPackages: ["better-sqlite3", "onnxruntime-node", "sharp", "esbuild", "protobufjs"],
  poweredByHeader: false,
  // Pages get their nonce CSP from src/proxy.ts; everything gets the base headers.
  async headers() {
    return [
      { source: "/:path*", headers: BASE_SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
    ];
  },
  // `pnpm dev` is how most people first run Edgelens; Next's floating dev badge sat on the
  // sidebar's "Sign out". Compile and runtime errors still open Next's overlay.
  devIndicators: false,
  // The People page sends photos through a server action: a phone's photo is several MB, past
  // Next's 1 MB default. The REST route (POST /api/v1/people/{name}/photos) has the same 16 MB cap.
  experimental: { serverActions: { bodySizeLimit: "16mb" } },
  typedRoutes: false,
  ...(env.nextDistDir ? { distDir: env.nextDistDir } : {}),
  typescript: { ignoreBuildErrors: env.nextSkipTypecheck },
  turbopack: {
    ignoreIssue: [{ path: "**/packages/vision/src/**", title: /Module not found/ }],
  },
};

export default config;
