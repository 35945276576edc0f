/** The Next server's one service context per process, started on the first request (or at boot). */
import { getConsoleConfig, isNextBuildPhase } from "../env";
import { createContext } from "./build-context";
import type { ServiceContext } from "./context";
import { keepLiveCounting } from "./live/live-counting";
import { reconcileWhenBrokerAnswers } from "./services/desired-reconcile";
import { ensureFirstAdmin } from "./services/first-admin";
import { startRolloutEngine } from "./services/rollout-driver";

// Next may evaluate this module more than once (route bundles, dev reloads): keep the one
// context on globalThis so every route shares the database handle and the MQTT connection.
const KEY = Symbol.for("edgelens.console.context");
type Holder = { [KEY]?: Promise<ServiceContext> };

export async function getContext(): Promise<ServiceContext> {
  if (isNextBuildPhase()) {
    // `next build` tries to prerender pages: a page that needs the database is dynamic, and
    // the build must not create a database or the first admin in whatever data dir it sees.
    const { connection } = await import("next/server");
    await connection();
  }
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing) return existing;
  const starting = (async () => {
    const ctx = createContext(getConsoleConfig());
    const first = await ensureFirstAdmin(ctx);
    if (first.kind === "created") console.log(`edgelens: created the first admin ${first.email} (password from EDGELENS_ADMIN_PASSWORD)`);
    else if (first.kind === "form") console.log(`edgelens: no user yet and EDGELENS_ADMIN_PASSWORD is unset: open ${ctx.config.consoleUrl}/login to create the admin`);
    keepLiveCounting(ctx);
    reconcileWhenBrokerAnswers(ctx);
    // Staged rollouts go on from the database: after a restart too (docs/design.md "Staged rollouts").
    startRolloutEngine(ctx);
    return ctx;
  })();
  holder[KEY] = starting;
  // A failed start (the database locked, say) is not remembered: the next request tries again.
  starting.catch(() => {
    if (holder[KEY] === starting) delete holder[KEY];
  });
  return starting;
}
