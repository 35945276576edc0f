import { readFileSync } from "node:fs";
import { EdgelensError } from "@edgelens/shared/errors";

export interface SandboxIdentity {
  uid: number;
  gid: number;
}

/**
 * The uid/gid the function sandbox runs as when the agent runs as root: `user` is a name from
 * /etc/passwd (its primary group) or `uid:gid`. Not root: a function that escaped the permission
 * model must still not read the device file (mode 0600) or the data dir. An agent that is not
 * root cannot switch users; its sandbox keeps the agent's uid (and relies on the permission model).
 */
export function resolveSandboxIdentity(user: string, passwdFile = "/etc/passwd"): SandboxIdentity | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const numeric = /^(\d+):(\d+)$/.exec(user);
  let identity: SandboxIdentity | undefined;
  if (numeric) identity = { uid: Number(numeric[1]), gid: Number(numeric[2]) };
  else {
    const line = readFileSync(passwdFile, "utf8")
      .split("\n")
      .find((l) => l.split(":")[0] === user);
    const fields = line?.split(":");
    if (fields && fields.length >= 4) identity = { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  if (!identity || !Number.isInteger(identity.uid) || !Number.isInteger(identity.gid)) {
    throw new EdgelensError("INVALID_CONFIG", `the function sandbox user "${user}" is not in ${passwdFile} (set EDGELENS_AGENT_FUNCTION_USER to a user or uid:gid)`, { user });
  }
  if (identity.uid === 0 || identity.gid === 0) {
    throw new EdgelensError("INVALID_CONFIG", `the function sandbox user "${user}" is root: functions must run unprivileged (EDGELENS_AGENT_FUNCTION_USER)`, { user });
  }
  return identity;
}
