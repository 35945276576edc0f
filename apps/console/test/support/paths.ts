import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const consoleRoot = fileURLToPath(new URL("../../", import.meta.url));
export const nextBin = `${consoleRoot}node_modules/next/dist/bin/next`;
