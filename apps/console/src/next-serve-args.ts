/** The `next dev|start` command line of every console start: serve.ts, the test harness, the benches. */
export type ServeMode = "start" | "dev";

/**
 * How long `next start` keeps an idle connection. Node's 5 s default races clients that reuse a
 * kept-alive socket just as the server closes it (the request then fails with ECONNRESET / "other
 * side closed", and a POST is not retried); a loaded box widens that window. Above the 60 s idle
 * timeout of common proxies and load balancers, as their docs ask of upstreams.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** `next` arguments that listen where the configuration says. */
export function nextServeArgs(mode: ServeMode, config: { host: string; port: number }): string[] {
  const args = [mode, "-p", String(config.port), "-H", config.host];
  // `next dev` has no such option.
  return mode === "start" ? [...args, "--keepAliveTimeout", String(KEEP_ALIVE_TIMEOUT_MS)] : args;
}
