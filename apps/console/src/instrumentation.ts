/**
 * Server start: validate the configuration, open and migrate the database, create the first
 * admin when EDGELENS_ADMIN_PASSWORD is set (else /login offers the form) and start the live counters. A bad
 * configuration stops the server with a message naming the variable.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is not configuration: Next inlines it at build time so that the edge build of
  // this file drops the Node-only import below (Next docs, "Importing runtime-specific code").
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startConsoleServer } = await import("./server/boot");
  await startConsoleServer();
}
