/** Header the proxy sets with the requested path, so a signed-out page can come back to it. */
export const PATH_HEADER = "x-edgelens-path";
