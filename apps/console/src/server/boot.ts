import { isNextBuildPhase } from "../env";
import { getContext } from "./get-context";
import { isCodedError } from "./http/errors";

export async function startConsoleServer(): Promise<void> {
  if (isNextBuildPhase()) return;
  try {
    const ctx = await getContext();
    console.log(JSON.stringify({ event: "console-ready", dataDir: ctx.config.dataDir, consoleUrl: ctx.config.consoleUrl, brokerUrl: ctx.config.brokerUrl }));
  } catch (err) {
    const message = isCodedError(err) ? `${err.code}: ${err.message}` : String(err);
    console.error(`edgelens console: cannot start: ${message}`);
    process.exit(isCodedError(err) && err.code === "INVALID_CONFIG" ? 2 : 1);
  }
}
