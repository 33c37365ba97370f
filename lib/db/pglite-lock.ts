// PGlite does not lock its data directory: two processes opening it corrupt it silently
// (EMBEDDED-NOTES.md). This lockfile keeps one owner per directory, and lets a new process take
// over the lock that a crashed one left behind.
//
// `<dir>.lock` holds JSON naming its owner: pid, a random token, where that pid means something
// (host, pid namespace, boot) and when the process started. The owner touches the file every
// HEARTBEAT_MS from a worker thread, because PGlite's WASM blocks the main thread for seconds (a
// fresh directory's initdb, a big query). A lock is stale when its owner is provably gone (seen
// from the same host and pid namespace: no such pid, a zombie, or a pid now used by a process that
// started later) or when nobody touched it for STALE_AFTER_MS. Only the process that exclusively
// creates `<dir>.lock.takeover-<token of the stale lock>` may replace that lock (atomically, by
// rename) or remove it, so two takers never both win and a release never races a takeover.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** How often the owner touches its lock. */
export const HEARTBEAT_MS = 1000;
/**
 * A lock nobody touched for this long is stale even when its pid looks alive: four missed beats
 * of a thread that only touches a file. It bounds how long a restart waits when the old owner's
 * death cannot be seen (another host or container on a shared volume, a reused pid without /proc).
 */
export const STALE_AFTER_MS = 5000;

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number | undefined) {
    super(
      `The embedded database at ${dir} is already open in ${pid ? `process ${pid}` : "another process"}. ` +
        "Stop that process (the running app, `npm run engine` or `npm run plan`) or point this one at " +
        "another database with DATABASE_URL or PGLITE_DIR.",
    );
    this.name = "DataDirLockedError";
  }
}

export type LockOptions = {
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Called when another process has taken the lock over; by default logs and exits. */
  onLost?: () => void;
};

/** What a lock (or takeover claim) file says about its writer. */
type Owner = {
  pid: number;
  /** Random, one per file written: tells this lock from any later one. */
  token: string;
  /** Host, pid namespace and boot: where `pid` names the same process as for us. */
  scope: string;
  /** The process's start time in /proc (Linux), to recognise a pid used again. */
  processStart?: string;
  startedAt: string;
};

type LockFile = {
  owner?: Owner;
  /** An older version wrote only its pid (and never refreshes its lock). */
  legacyPid?: number;
  /** The owner's token, or a digest of what an unreadable file holds. */
  id: string;
  mtimeMs: number;
};

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

function readOr(read: () => string) {
  try {
    return read().trim();
  } catch {
    return "";
  }
}

let ourScope: string | undefined;
function scope() {
  ourScope ??= [
    os.hostname(),
    readOr(() => fs.readlinkSync("/proc/self/ns/pid")),
    readOr(() => fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8")),
  ].join(" ");
  return ourScope;
}

/** State and start time of a process from /proc; "gone" when it has none; undefined without /proc. */
function procStat(pid: number): { state: string; start: string } | "gone" | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    return errorCode(error) === "ENOENT" && fs.existsSync("/proc/self/stat") ? "gone" : undefined;
  }
  // Fields after the parenthesised command name: state is field 3, starttime field 22.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0], start: fields[19] };
}

function newOwner(): Owner {
  const stat = procStat(process.pid);
  return {
    pid: process.pid,
    token: randomUUID(),
    scope: scope(),
    processStart: typeof stat === "object" ? stat.start : undefined,
    startedAt: new Date().toISOString(),
  };
}

function liveness(pid: number, processStart?: string): "alive" | "stopped" | "dead" {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) !== "EPERM") return "dead";
  }
  const stat = procStat(pid);
  if (stat === "gone") return "dead";
  if (!stat) return "alive"; // no /proc: the signal check is all there is
  // A killed process stays a zombie until its parent reaps it; signals still "reach" it.
  if (stat.state === "Z" || stat.state === "X" || stat.state === "x") return "dead";
  if (processStart && stat.start !== processStart) return "dead"; // the pid was used again
  return stat.state === "T" || stat.state === "t" ? "stopped" : "alive";
}

function readLockFile(file: string): LockFile | undefined {
  let raw: string;
  let mtimeMs: number;
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    mtimeMs = fs.fstatSync(fd).mtimeMs;
    raw = fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
  let owner: Owner | undefined;
  try {
    const parsed = JSON.parse(raw) as Owner;
    if (Number.isInteger(parsed?.pid) && typeof parsed.token === "string") owner = parsed;
  } catch {
    // an older version's plain pid, or a file still being written
  }
  const legacyPid = !owner && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  const id =
    owner?.token ?? createHash("sha256").update(`${raw}\0${mtimeMs}`).digest("hex").slice(0, 32);
  return { owner, legacyPid, id, mtimeMs };
}

/** Why `lock` may be taken over, or undefined while its owner holds it. */
function staleReason(lock: LockFile, staleAfterMs: number): string | undefined {
  if (lock.legacyPid !== undefined) {
    // An older version's lock is never refreshed, so only its pid can tell; ours is not it.
    const gone = lock.legacyPid === process.pid || liveness(lock.legacyPid) === "dead";
    return gone ? `process ${lock.legacyPid} is gone` : undefined;
  }
  const owner = lock.owner;
  if (owner && owner.scope === scope()) {
    const state = liveness(owner.pid, owner.processStart);
    if (state === "dead") return `process ${owner.pid} is gone`;
    // Suspended (Ctrl-Z, a debugger), not gone: it would write again when resumed.
    if (state === "stopped") return undefined;
  }
  const silentMs = Date.now() - lock.mtimeMs;
  if (silentMs > staleAfterMs) {
    return `${owner ? `process ${owner.pid}` : "its owner"} has not refreshed it for ${Math.round(silentMs / 1000)} s`;
  }
  return undefined;
}

const ownerPid = (lock: LockFile | undefined) => lock?.owner?.pid ?? lock?.legacyPid;

function createExclusive(file: string, owner: Owner): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(owner), { flag: "wx" });
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}

function removeIfOwned(file: string, token: string) {
  if (readLockFile(file)?.owner?.token === token) fs.rmSync(file, { force: true });
}

type Taken = { owner: Owner; tookOver?: string } | { heldBy: LockFile | undefined };

/**
 * Creates `file` for this process, or replaces it when stale. Replacing goes through the claim
 * file named after the stale lock's id, itself taken the same way (a claimer that died leaves a
 * stale claim, which the next one takes over).
 */
function take(lockPath: string, file: string, staleAfterMs: number, depth = 0): Taken {
  for (let tries = 0; tries < 3; tries++) {
    const owner = newOwner();
    if (createExclusive(file, owner)) return { owner };
    const current = readLockFile(file);
    if (!current) continue; // released meanwhile
    const reason = staleReason(current, staleAfterMs);
    if (!reason || depth > 4) return { heldBy: current };
    const claimPath = `${lockPath}.takeover-${current.id}`;
    const claim = take(lockPath, claimPath, staleAfterMs, depth + 1);
    if (!("owner" in claim)) return { heldBy: current }; // another process is taking it over
    try {
      if (readLockFile(file)?.id !== current.id) continue; // changed meanwhile: look again
      const temporary = `${file}.${owner.token}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(owner));
      fs.renameSync(temporary, file);
      return { owner, tookOver: reason };
    } finally {
      removeIfOwned(claimPath, claim.owner.token);
    }
  }
  return { heldBy: readLockFile(file) };
}

/**
 * Takes the lock for `dir` (creating the directory) and returns a function that releases it.
 * Throws DataDirLockedError while another live process holds it.
 */
export function lockDataDir(dir: string, options: LockOptions = {}): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(path.dirname(dir), `${path.basename(dir)}.lock`);
  const taken = take(lockPath, lockPath, options.staleAfterMs ?? STALE_AFTER_MS);
  if (!("owner" in taken)) throw new DataDirLockedError(dir, ownerPid(taken.heldBy));
  if (taken.tookOver) console.warn(`[database] took over the lock of ${dir}: ${taken.tookOver}`);
  const { token } = taken.owner;
  let released = false;
  const heartbeat = startHeartbeat(lockPath, token, options.heartbeatMs ?? HEARTBEAT_MS, {
    // Deleted by hand: put it back (here, so that it cannot race a release) unless another
    // process has created one meanwhile, which the next beat reports.
    missing() {
      try {
        if (!released) createExclusive(lockPath, taken.owner);
      } catch {
        // the directory itself is gone: nothing left to protect
      }
    },
    lost() {
      if (released) return;
      if (options.onLost) return options.onLost();
      console.error(
        `[database] another process has taken over the lock of ${dir}; stopping now so that ` +
          "two processes never write the embedded database at once.",
      );
      process.exit(1);
    },
  });
  const release = () => {
    if (released) return;
    released = true;
    heartbeat.stop();
    process.off("exit", release);
    // The same claim a takeover needs: never remove a lock that a taker has just written.
    const claimPath = `${lockPath}.takeover-${token}`;
    const claim = newOwner();
    try {
      if (!createExclusive(claimPath, claim)) return;
      try {
        removeIfOwned(lockPath, token);
      } finally {
        removeIfOwned(claimPath, claim.token);
      }
    } catch (error) {
      if (errorCode(error) !== "ENOENT")
        console.warn(`[database] could not release ${lockPath}`, error);
    }
  };
  process.once("exit", release);
  return release;
}

// Runs in a worker thread (plain JS, so that no bundler rewrites it): touches the lock while it
// holds our token; only reports when it is missing or another owner has it. Touching a lock
// just released is harmless: the call fails, or freshens the next owner's lock.
const heartbeatSource = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { file, token, intervalMs } = workerData;
setInterval(() => {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") parentPort.postMessage("missing");
    return;
  }
  let current;
  try { current = JSON.parse(text).token; } catch {}
  if (current !== token) return parentPort.postMessage("lost");
  const now = new Date();
  try { fs.utimesSync(file, now, now); } catch {}
}, intervalMs);
`;

function startHeartbeat(
  file: string,
  token: string,
  intervalMs: number,
  on: { missing(): void; lost(): void },
) {
  let worker: Worker | undefined;
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  const start = () => {
    const current = new Worker(heartbeatSource, {
      eval: true,
      workerData: { file, token, intervalMs },
    });
    current.unref();
    current.on("message", (message) => {
      if (stopped) return;
      if (message === "missing") on.missing();
      if (message === "lost") {
        stopped = true;
        void current.terminate();
        on.lost();
      }
    });
    // A heartbeat that stops would let another process take a live lock: start it again.
    current.on("error", (error) => {
      console.error("[database] the lock heartbeat failed; restarting it", error);
    });
    current.on("exit", () => {
      if (stopped || worker !== current) return;
      restart = setTimeout(start, intervalMs);
      restart.unref();
    });
    worker = current;
  };
  start();
  return {
    stop() {
      stopped = true;
      clearTimeout(restart);
      void worker?.terminate();
    },
  };
}
