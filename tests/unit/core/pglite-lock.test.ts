import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "@/lib/db/pglite-lock";

const dirs: string[] = [];
function tempDataDir() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "flowchat-lock-"));
  dirs.push(base);
  return path.join(base, "nested", "pglite");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database lock", () => {
  it("creates the data directory and a lockfile holding our pid", () => {
    const dir = tempDataDir();
    const release = lockDataDir(dir);
    expect(fs.existsSync(dir)).toBe(true);
    expect(fs.readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
    release();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  it("refuses a directory that a live process holds, and says what to do", () => {
    const dir = tempDataDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}.lock`, String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/already open in process .*DATABASE_URL or PGLITE_DIR/s);
  });

  it("takes over the lock of a process that died", () => {
    const dir = tempDataDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${dir}.lock`, "2147483646");
    const release = lockDataDir(dir);
    expect(fs.readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
    release();
  });
});
