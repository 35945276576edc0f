import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source (root README, "Development").
  transpilePackages: ["@edgelens/shared", "@edgelens/db", "@edgelens/vision"],
  // Native or binary-carrying packages stay as Node requires on the server.
  serverExternalPackages: ["better-sqlite3", "onnxruntime-node", "sharp", "esbuild", "protobufjs"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
