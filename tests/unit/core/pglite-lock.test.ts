import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "@/lib/db/pglite-lock";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const holderScript = path.join(repoRoot, "tests/fixtures/db/lock-holder.ts");
const hasProc = fs.existsSync("/proc/self/stat");

const dirs: string[] = [];
const children: ChildProcess[] = [];
/** Holders that are a child's children: their pids stay theirs while that child lives. */
const grandchildren: { pid: number; parent: ChildProcess }[] = [];
const releases: (() => void)[] = [];
function tempDataDir() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "flowchat-lock-"));
  dirs.push(base);
  return path.join(base, "nested", "pglite");
}
afterEach(() => {
  for (const release of releases.splice(0)) release();
  for (const { pid, parent } of grandchildren.splice(0)) {
    if (parent.exitCode !== null || parent.signalCode !== null) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

type Owner = { pid: number; token: string; processStart?: string; scope: string };
const readLock = (dir: string) => JSON.parse(fs.readFileSync(`${dir}.lock`, "utf8")) as Owner;

function lock(dir: string, options?: Parameters<typeof lockDataDir>[1]) {
  const release = lockDataDir(dir, options);
  releases.push(release);
  return release;
}

/** A lock record as this process would write it, to forge other owners from. */
function ourRecord(): Owner {
  const dir = tempDataDir();
  const release = lockDataDir(dir);
  const record = readLock(dir);
  release();
  return record;
}

function writeLock(dir: string, owner: Partial<Owner>, ageMs = 0) {
  fs.mkdirSync(dir, { recursive: true });
  const record = { ...ourRecord(), token: randomUUID(), ...owner };
  fs.writeFileSync(`${dir}.lock`, JSON.stringify(record));
  const at = new Date(Date.now() - ageMs);
  fs.utimesSync(`${dir}.lock`, at, at);
  return record;
}

async function deadPid() {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid as number;
}

function line(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve(match[0]);
    });
    child.once("exit", () => reject(new Error(`exited before ${pattern}: ${output}`)));
  });
}

/** The lock-holder fixture in its own process. */
function holder(dir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", holderScript, dir], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  return child;
}

describe("the embedded database lock", () => {
  it("creates the data directory and a lockfile naming this process, refreshed until released", async () => {
    const dir = tempDataDir();
    const release = lockDataDir(dir, { heartbeatMs: 50 });
    expect(fs.existsSync(dir)).toBe(true);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, token: expect.any(String) });
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(`${dir}.lock`, past, past);
    await expect
      .poll(() => Date.now() - fs.statSync(`${dir}.lock`).mtimeMs, { timeout: 2000 })
      .toBeLessThan(10_000);
    release();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  it("refuses a directory that a live process holds, and says what to do", () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: process.ppid, processStart: undefined });
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(
      new RegExp(`already open in process ${process.ppid}.*DATABASE_URL or PGLITE_DIR`, "s"),
    );
  });

  it("refuses a second open of the same directory in this process", () => {
    const dir = tempDataDir();
    lock(dir);
    expect(() => lockDataDir(dir)).toThrow(`already open in process ${process.pid}`);
  });

  it("treats an older version's lock (a bare pid) by that pid alone", async () => {
    const dir = tempDataDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}.lock`, String(process.ppid));
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(`${dir}.lock`, past, past);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    fs.writeFileSync(`${dir}.lock`, String(await deadPid()));
    lock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
  });

  it("takes over the lock of a process that was killed", async () => {
    const dir = tempDataDir();
    const child = holder(dir);
    await line(child, /won/);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(readLock(dir).pid).toBe(child.pid);
    lock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
  });

  it.skipIf(!hasProc)(
    "takes over the lock of a killed process that its parent has not reaped yet",
    async () => {
      const dir = tempDataDir();
      // The parent execs into sleep, which never reaps: the killed holder stays a zombie, as
      // under a PID 1 that does not reap or while init gets round to it.
      const parent = spawn(
        "sh",
        ["-c", `"${process.execPath}" --import tsx "${holderScript}" "${dir}" & exec sleep 60`],
        { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] },
      );
      children.push(parent);
      const pid = Number((await line(parent, /won \d+/)).split(" ")[1]);
      grandchildren.push({ pid, parent });
      process.kill(pid, "SIGKILL");
      await expect
        .poll(() => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0])
        .toBe("Z");
      lock(dir);
      expect(readLock(dir).pid).toBe(process.pid);
    },
  );

  it.skipIf(!hasProc)("takes over a lock whose pid now belongs to a later process", () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: process.ppid, processStart: "1" });
    lock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
  });

  it("takes over a lock nobody refreshed within the window although its pid is alive", () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: process.ppid, processStart: undefined }, 1000);
    expect(() => lockDataDir(dir, { staleAfterMs: 5000 })).toThrow(DataDirLockedError);
    writeLock(dir, { pid: process.ppid, processStart: undefined }, 6000);
    lock(dir, { staleAfterMs: 5000 });
    expect(readLock(dir).pid).toBe(process.pid);
  });

  it("trusts only the refresh for a lock written on another host or container", async () => {
    const dir = tempDataDir();
    const pid = await deadPid();
    writeLock(dir, { pid, scope: "another-host" }, 1000);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    writeLock(dir, { pid, scope: "another-host" }, 6000);
    lock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
  });

  it("leaves a stale lock to the process already taking it over, unless that one died", async () => {
    const dir = tempDataDir();
    const stale = writeLock(dir, { pid: await deadPid() });
    const claim = `${dir}.lock.takeover-${stale.token}`;
    fs.writeFileSync(
      claim,
      JSON.stringify({ ...ourRecord(), pid: process.ppid, processStart: undefined, token: "c1" }),
    );
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(readLock(dir).token).toBe(stale.token);
    fs.writeFileSync(claim, JSON.stringify({ ...ourRecord(), pid: await deadPid(), token: "c2" }));
    lock(dir);
    expect(readLock(dir).pid).toBe(process.pid);
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(["pglite", "pglite.lock"]);
  });

  it("puts its lock back when someone deletes it, but not after releasing it", async () => {
    const dir = tempDataDir();
    const release = lockDataDir(dir, { heartbeatMs: 20 });
    const { token } = readLock(dir);
    fs.rmSync(`${dir}.lock`);
    await expect.poll(() => fs.existsSync(`${dir}.lock`), { timeout: 2000 }).toBe(true);
    expect(readLock(dir).token).toBe(token);
    release();
    await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  it("tells the owner when another process has taken its lock over", async () => {
    const dir = tempDataDir();
    let lost = false;
    lock(dir, {
      heartbeatMs: 50,
      onLost: () => {
        lost = true;
      },
    });
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ ...readLock(dir), token: "someone else" }));
    await expect.poll(() => lost, { timeout: 2000 }).toBe(true);
  });

  it("keeps refusing while a live owner refreshes, even with its main thread blocked", async () => {
    const dir = tempDataDir();
    const owner = holder(dir, { HEARTBEAT_MS: "100", BLOCK_MS: "2500" });
    await line(owner, /won/);
    const unblocked = line(owner, /unblocked/);
    let attempts = 0;
    for (const until = Date.now() + 1500; Date.now() < until; attempts++) {
      expect(() => lockDataDir(dir, { staleAfterMs: 500 })).toThrow(DataDirLockedError);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(attempts).toBeGreaterThan(5);
    await unblocked;
    expect(readLock(dir).pid).toBe(owner.pid);
  });

  it("lets exactly one of several processes take over a stale lock at once", async () => {
    const dir = tempDataDir();
    writeLock(dir, { pid: await deadPid() });
    const goAt = String(Date.now() + 4000);
    const racers = Array.from({ length: 4 }, () => holder(dir, { GO_AT: goAt }));
    const results = await Promise.all(racers.map((child) => line(child, /won|refused/)));
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    const winner = racers[results.indexOf("won")];
    expect(readLock(dir).pid).toBe(winner.pid);
    expect(fs.readdirSync(path.dirname(dir)).sort()).toEqual(["pglite", "pglite.lock"]);
  }, 20_000);
});
