export * from "./client";
export * from "./migrate";
export * from "./secrets";
export * as schema from "./schema";
export * from "./schema";
