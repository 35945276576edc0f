import type { AuthenticateError, Client } from "aedes";
import { DeviceIdSchema, USER_USERNAME_PREFIX, verifyConsoleToken } from "@edgelens/shared";
import { failureKey } from "../auth/failure-limiter";
import { clientIp, deviceOfClientId, type Identity } from "../identity";
import type { BrokerServices } from "../services";

type Done = (error: AuthenticateError | null, success: boolean | null) => void;

/** CONNACK return codes of MQTT 3.1.1 section 3.2.2.3. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

type Verdict = { ok: true; identity: Identity } | { ok: false; returnCode: number; reason: string; detail: string };

function refuse(returnCode: number, reason: string, detail: string): Verdict {
  return { ok: false, returnCode, reason, detail };
}

async function checkUser(s: BrokerServices, client: Client, username: string, password: string): Promise<Verdict> {
  const sub = username.slice(USER_USERNAME_PREFIX.length);
  const check = await verifyConsoleToken(password, s.secret);
  if (!check.ok) return refuse(BAD_USERNAME_OR_PASSWORD, check.reason === "expired" ? "expired-token" : "bad-token", `console token ${check.reason}`);
  if (check.claims.sub !== sub) return refuse(BAD_USERNAME_OR_PASSWORD, "bad-token", "token subject does not match the username");
  const held = s.users.check(check.claims);
  if (!held.ok) return refuse(BAD_USERNAME_OR_PASSWORD, held.reason, `console token no longer holds: ${held.reason}`);
  const claimedDevice = deviceOfClientId(client.id);
  if (claimedDevice && s.directory.find(claimedDevice)) {
    return refuse(IDENTIFIER_REJECTED, "client-id", `client id '${client.id}' belongs to device '${claimedDevice}'`);
  }
  const { role, ver, exp } = check.claims;
  return { ok: true, identity: { kind: "user", sub, role, exp, ...(ver !== undefined ? { ver } : {}) } };
}

async function checkDevice(s: BrokerServices, client: Client, deviceId: string, secret: string): Promise<Verdict> {
  if (!DeviceIdSchema.safeParse(deviceId).success) return refuse(BAD_USERNAME_OR_PASSWORD, "bad-username", "username is neither a device id nor user:<id>");
  const row = s.directory.find(deviceId);
  if (!row) return refuse(BAD_USERNAME_OR_PASSWORD, "unknown-device", "no such device");
  if (!(await s.directory.verify(row, secret))) return refuse(BAD_USERNAME_OR_PASSWORD, "bad-secret", "wrong secret");
  if (deviceOfClientId(client.id) !== deviceId) {
    return refuse(IDENTIFIER_REJECTED, "client-id", `a device connects with client id '${deviceId}' or '${deviceId}:<suffix>', not '${client.id}'`);
  }
  return { ok: true, identity: { kind: "device", deviceId, secretHash: row.secretHash } };
}

/**
 * Devices: username = device id, password = secret (scrypt hash in the devices table). Users and
 * the browser: username `user:<sub>`, password = a console token signed with the shared secret.
 * Anything else gets a refused CONNACK, a rate-limited log line and a strike for its
 * (username, IP).
 */
export function createAuthenticate(s: BrokerServices) {
  return function authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: Done): void {
    const ip = clientIp(client, s.limits.trustedProxies);
    const key = failureKey(username, ip);
    const finish = (verdict: Verdict) => {
      if (verdict.ok) {
        s.identities.set(client, verdict.identity);
        done(null, true);
        return;
      }
      if (verdict.reason !== "rate-limited" && verdict.reason !== "internal") s.failures.fail(key);
      s.metrics.authFailures.inc({ reason: verdict.reason });
      s.rateLimitedLog(`auth:${ip}:${verdict.reason}`, "warn", `connection refused: ${verdict.detail}`, {
        code: verdict.returnCode === IDENTIFIER_REJECTED ? "FORBIDDEN" : "UNAUTHORIZED",
        ip,
        clientId: client.id,
        username: username ?? null,
        reason: verdict.reason,
      });
      done(Object.assign(new Error(verdict.detail), { returnCode: verdict.returnCode }) as AuthenticateError, false);
    };
    if (s.failures.blocked(key)) return finish(refuse(NOT_AUTHORIZED, "rate-limited", `too many failed logins as ${username ?? "(none)"} from ${ip}`));
    if (!username || !password || password.length === 0) return finish(refuse(BAD_USERNAME_OR_PASSWORD, "no-credentials", "username and password are required"));
    const secret = password.toString("utf8");
    const verdict = username.startsWith(USER_USERNAME_PREFIX) ? checkUser(s, client, username, secret) : checkDevice(s, client, username, secret);
    verdict.then(finish, (err: unknown) => {
      s.log.error(`authentication failed unexpectedly: ${(err as Error).message}`, { code: "INTERNAL", ip, clientId: client.id });
      finish(refuse(NOT_AUTHORIZED, "internal", "internal error"));
    });
  };
}
