/**
 * aedes 1.2 with its defaults (in-memory persistence, no auth, no hooks) on an ephemeral port: the
 * bench's reference for how much of the Edgelens broker's cost is aedes itself. Prints
 * `{"port":N}` and runs until SIGTERM.
 */
import { Aedes } from "aedes";
import { createServer } from "node:net";

const broker = await Aedes.createBroker();
const server = createServer((socket) => broker.handle(socket));
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  broker.close(() => process.exit(0));
});
