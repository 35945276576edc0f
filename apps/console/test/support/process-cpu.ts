/**
 * CPU time a process group has spent (user + system, all threads, from /proc), so a test can
 * compare the work two requests cost on the server without trusting wall-clock time, which a
 * loaded CI box stretches at random.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc reports utime and stime in these ticks (proc(5)). */
const TICK_MS = 10;

export function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited between the listing and the read
    }
    // Fields after the command name, which may itself hold spaces and parentheses (proc(5)).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(f[2]) !== pgid) continue;
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}
