/** A device id (docs/design.md: `[a-z0-9][a-z0-9-]{2,62}`) suggested from a display name. */
export function suggestDeviceId(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return slug.length >= 3 ? slug : slug ? `${slug}-cam`.slice(0, 63) : "";
}

export const DEVICE_ID_PATTERN = "[a-z0-9][a-z0-9\\-]{2,62}";
