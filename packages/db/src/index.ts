export * from "./client";
export * from "./migrate";
export * from "./secrets";
export * from "./data-dir";
export * as schema from "./schema";
export * from "./schema";
