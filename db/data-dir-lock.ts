import { randomUUID } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";

/**
 * One writer per embedded database (docs/decisions/0016-embedded-database-lock-and-degrading.md):
 * PGlite has no locking of its own, and two processes on one folder each keep their own view and
 * lose the other's writes. The lock is a file that appears whole and at once (written aside, then
 * hard-linked into place, which fails if it exists), naming its holder by pid, host and the
 * process's start time, so that a pid reused after a crash is not mistaken for the holder.
 */
interface Holder {
  pid: number;
  host: string;
  /** Linux: the boot's id and the process's start time in clock ticks; absent elsewhere. */
  started?: string;
  token: string;
}

/**
 * A guard is held for the few microseconds of one takeover: one older than this was left behind
 * (its process died or was stopped mid-step, or the file is not ours at all).
 */
const GUARD_STALE_MS = 5_000;
/** Longer than GUARD_STALE_MS: a takeover waits out a guard that another process just left. */
const TAKEOVER_TIMEOUT_MS = 2 * GUARD_STALE_MS;
const GUARD_RETRY_MS = 50;

/** Why the lock cannot be had: its holder, a file that names nobody, or a takeover not finishing. */
type Refusal = Holder | "unreadable" | "takeover-timed-out";

export class DataDirLockedError extends Error {
  constructor(lockFile: string, refusal: Refusal) {
    super(
      refusal === "takeover-timed-out"
        ? `The embedded database's lock ${lockFile} names a process that is gone, but could not be taken over within ${TAKEOVER_TIMEOUT_MS / 1000} s; remove ${lockFile} and ${lockFile}.takeover if no process uses the database.`
        : `The embedded database is in use by ${holderOf(refusal)}; stop it first, or remove ${lockFile} if no process uses it.`,
    );
  }
}

function holderOf(refusal: Holder | "unreadable"): string {
  if (refusal === "unreadable") return "another process (its lock file is unreadable)";
  return refusal.host === hostname()
    ? `another process (pid ${refusal.pid})`
    : `another process (pid ${refusal.pid} on ${refusal.host})`;
}

function startedOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22; counted after the command name, which may itself hold spaces and parentheses.
    const startTicks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${boot}:${startTicks}`;
  } catch {
    return undefined;
  }
}

function isRunning(holder: Holder): boolean {
  // Another machine's process cannot be checked from here.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  return holder.started === undefined || startedOf(holder.pid) === holder.started;
}

type Read = { holder: Holder } | { missing: true } | { unreadable: true };

/** What this module writes, and nothing else: anything else in a lock file names nobody. */
function isHolder(value: unknown): value is Holder {
  if (typeof value !== "object" || value === null) return false;
  const { pid, host, started, token } = value as Record<string, unknown>;
  return (
    Number.isInteger(pid) &&
    (pid as number) > 0 &&
    typeof host === "string" &&
    host !== "" &&
    (started === undefined || typeof started === "string") &&
    typeof token === "string"
  );
}

function readLock(file: string): Read {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { missing: true };
    return { unreadable: true };
  }
  return isHolder(content) ? { holder: content } : { unreadable: true };
}

/** Creates `file` naming `holder`, whole, unless it exists (then false). */
function tryCreate(file: string, holder: Holder): boolean {
  const aside = `${file}.${holder.token}`;
  const fd = openSync(aside, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(holder));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

function unlinkIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function isLeftBehind(guard: string, read: Read): boolean {
  if ("holder" in read && !isRunning(read.holder)) return true;
  try {
    return Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS;
  } catch {
    return false; // gone meanwhile: the next attempt finds out
  }
}

/**
 * Removes the lock of a holder that is gone, if it is still that one's. A short-lived guard lock
 * makes this one process's step: of several finding the same stale lock, only one removes it, and
 * none removes the fresh lock another has just made.
 */
function removeStale(lockFile: string, stale: Holder, self: Holder): void {
  const guard = `${lockFile}.takeover`;
  if (!tryCreate(guard, self)) {
    const read = readLock(guard);
    if (isLeftBehind(guard, read)) unlinkIfPresent(guard);
    else pause(GUARD_RETRY_MS);
    return;
  }
  try {
    const read = readLock(lockFile);
    if ("holder" in read && read.holder.token === stale.token) unlinkIfPresent(lockFile);
  } finally {
    unlinkSync(guard);
  }
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/** Between attempts while a guard is in the way (the lock is taken before anything else runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Takes the lock, taking over one whose holder is gone, or throws DataDirLockedError naming the
 * holder. Returns the release function; the lock is also released when the process exits.
 */
export function lockDataDir(lockFile: string): () => void {
  const self: Holder = {
    pid: process.pid,
    host: hostname(),
    started: startedOf(process.pid),
    token: randomUUID(),
  };
  const giveUpAt = Date.now() + TAKEOVER_TIMEOUT_MS;
  while (!tryCreate(lockFile, self)) {
    if (Date.now() > giveUpAt) throw new DataDirLockedError(lockFile, "takeover-timed-out");
    const read = readLock(lockFile);
    if ("unreadable" in read) throw new DataDirLockedError(lockFile, "unreadable");
    if ("holder" in read) {
      if (isRunning(read.holder)) throw new DataDirLockedError(lockFile, read.holder);
      removeStale(lockFile, read.holder, self);
    }
  }

  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener("exit", release);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    const read = readLock(lockFile);
    // Only our own: never a lock another process has since taken over.
    if ("holder" in read && read.holder.token === self.token) unlinkIfPresent(lockFile);
  };
  // Without a handler of the program's own, a signal ends the process without an `exit` event:
  // release, then end as the signal would have. With one, the program shuts down, closing the
  // database (which releases), and exits.
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return;
    release();
    process.kill(process.pid, signal);
  };
  process.on("exit", release);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return release;
}
