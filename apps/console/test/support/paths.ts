/** The console's folders and Next's binary: one definition, the console build's (tooling). */
export { consoleRoot, nextBin, repoRoot } from "@edgelens/tooling/console-build";
