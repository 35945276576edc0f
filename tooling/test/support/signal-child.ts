/**
 * A part in miniature for the harness test: says its pid on stdout, then on SIGTERM says
 * "stopping" and exits 0 (or, with IGNORE_TERM=1, ignores SIGTERM and must be killed).
 */
process.on("SIGTERM", () => {
  if (process.env.IGNORE_TERM === "1") return;
  console.log("stopping");
  process.exit(0);
});
// Ready only once the handler is in place: a stop may follow at once.
const typed: number = process.pid;
console.log(JSON.stringify({ event: "ready", pid: typed }));
console.error("stderr line");
setInterval(() => undefined, 1000);
