export * from "./schemas/index";
export * from "./topics";
export * from "./errors";
export * from "./token";
export * from "./env";
export * from "./net/ip-address";
export * from "./net/webhook-policy";
