import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A self-signed certificate for 127.0.0.1 in a temp folder (openssl), for the TLS listener. */
export function makeTestCert(): { cert: string; key: string; ca: Buffer; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "edgelens-tls-"));
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"], {
    stdio: "ignore",
  });
  return { cert, key, ca: readFileSync(cert), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
