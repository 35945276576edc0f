/**
 * A benchmark's whole process tree. Benches start their own children, some in process groups of
 * their own (the console bench's `next`), so a signal to the bench's group alone can miss them:
 * the tree is read from /proc before signalling, while every process still has its parent.
 */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // proc(5): the fields after "(comm)" start with state, then ppid.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null; // It exited between readdir and read.
  }
}

/** Every descendant of `root` (Linux /proc; none elsewhere). */
export function descendants(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    const ppid = parentOf(e);
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Signals a process group and the given processes; gone ones are skipped. */
export function signalAll(group: number, pids: readonly number[], signal: NodeJS.Signals): void {
  for (const target of [-group, ...pids]) {
    try {
      process.kill(target, signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
}

/** Whether any process of the group is still there. */
export function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}
