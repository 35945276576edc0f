/**
 * Checks a TF.js graph model selection before anything is uploaded: model.json must be there
 * and every shard its weightsManifest names must be among the files.
 */
export async function checkTfjsSelection(files: File[]): Promise<{ ok: true } | { ok: false; error: string }> {
  const modelJson = files.find((f) => f.name === "model.json");
  if (!modelJson) return { ok: false, error: "Select model.json together with its weight shards (the .bin files)." };
  let manifest: unknown;
  try {
    manifest = JSON.parse(await modelJson.text());
  } catch {
    return { ok: false, error: "model.json is not valid JSON." };
  }
  const m = manifest as { format?: string; modelTopology?: unknown; weightsManifest?: Array<{ paths?: string[] }> };
  if (!m.modelTopology || !Array.isArray(m.weightsManifest)) return { ok: false, error: "model.json has no modelTopology/weightsManifest: is it a TF.js graph model?" };
  if (m.format && m.format !== "graph-model") return { ok: false, error: `model.json is a "${m.format}"; only TF.js graph models can be converted.` };
  const names = new Set(files.map((f) => f.name));
  const missing = m.weightsManifest.flatMap((g) => g.paths ?? []).map((p) => p.split("/").pop() ?? p).filter((p) => !names.has(p));
  if (missing.length > 0) return { ok: false, error: `Missing weight shard${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}` };
  return { ok: true };
}
