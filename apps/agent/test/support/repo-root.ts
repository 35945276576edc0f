import { fileURLToPath } from "node:url";

/** The repository root: the agent's and broker's entry points are found from here. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
