export * from "./common";
export * from "./inference";
export * from "./device";
export * from "./deployment";
export * from "./rule";
export * from "./auth";
export * from "./decode";
