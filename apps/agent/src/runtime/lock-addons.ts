/**
 * Ends native addon loading in the sandbox once its own addons are loaded. The permission model
 * lets the sandbox load addons at all only with --allow-addons (onnxruntime and sharp are addons),
 * and with it process.dlopen reads any file, whatever --allow-fs-read says: a function that could
 * dlopen a library of its choice runs native code outside every check. The sandbox can write no
 * file to craft one, and after this it cannot dlopen any (require of a .node file goes through
 * process.dlopen too).
 */
export function lockNativeAddons(): void {
  // Shaped as the permission model's own refusals (wire-error.ts names them).
  const refuse = (_module: unknown, filename: string): never => {
    throw Object.assign(new Error(`loading native code is not allowed in the function sandbox`), { code: "ERR_ACCESS_DENIED", permission: "NativeAddon", resource: String(filename) });
  };
  Object.defineProperty(process, "dlopen", { value: refuse, writable: false, configurable: false, enumerable: true });
}
