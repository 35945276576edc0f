import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EdgelensError } from "@edgelens/shared/errors";

export interface InstalledPackage {
  name: string;
  dir: string;
  version: string;
  license: string;
  licenseFile?: string;
}

/**
 * Finds an installed package the way Node resolves it (node_modules folders upwards from here),
 * without require.resolve: @vladmandic/human's "exports" hides its package.json and models.
 */
export function findInstalledPackage(name: string, from = dirname(fileURLToPath(import.meta.url))): InstalledPackage {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    const manifest = join(candidate, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { version?: string; license?: string };
      const licenseFile = ["LICENSE", "LICENSE.md", "LICENSE.txt"].find((f) => existsSync(join(candidate, f)));
      return { name, dir: candidate, version: pkg.version ?? "unknown", license: pkg.license ?? "UNKNOWN", licenseFile };
    }
    if (dirname(dir) === dir) break;
  }
  throw new EdgelensError("NOT_FOUND", `Package ${name} is not installed (it is a devDependency of @edgelens/vision: run pnpm install)`, {
    package: name,
  });
}
