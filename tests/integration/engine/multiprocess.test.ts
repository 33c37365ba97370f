// Several app processes on one PostgreSQL database (issue 17): each runs its own embedded
// executor on the one queue. Two real processes (tests/fixtures/inngest-app/multi-child.ts:
// an SDK app over HTTP and its executor) share the work, none runs a step twice, and when one
// is SIGKILLed mid-run the other finishes its runs without spending an attempt on it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/lib/db/client";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createPostgresDatabase } from "@/tests/helpers/database";
import { type Child, freePort, spawnTs, waitFor } from "./processes";

const SIGNING_KEY = "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const EVENT_KEY = "test-event-key";

type Effect = { run: string; step: string; proc: string };

describe("two app processes on one PostgreSQL database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-multi-"));
  const file = path.join(dir, "effects.jsonl");
  const children: Record<string, Child & { port: number }> = {};
  let db: DbHandle;
  let drop: () => Promise<void>;

  const query = async <T>(text: string, params: unknown[] = []) => {
    if (db.client.kind !== "postgres") throw new Error("PostgreSQL only");
    return (await db.client.sql.unsafe(text, params as never[])) as unknown as T[];
  };
  const effects = (): Effect[] =>
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  async function start(name: string, url: string) {
    const port = await freePort();
    const child = spawnTs(
      "tests/fixtures/inngest-app/multi-child.ts",
      [],
      {
        PROC_NAME: name,
        ENGINE_PORT: String(port),
        EFFECTS_FILE: file,
        SIGNING_KEY,
        DATABASE_URL: url,
      },
      { direct: true },
    );
    children[name] = { ...child, port };
    await waitFor(
      async () => {
        if (child.process.exitCode !== null) throw new Error(`The child exited: ${child.output()}`);
        return child.output().includes(`ready ${name}`) ? true : undefined;
      },
      30_000,
      `process ${name}`,
    );
  }

  async function send(name: string, events: { name: string; data: unknown }[]) {
    const res = await fetch(`http://127.0.0.1:${children[name].port}/e/${EVENT_KEY}`, {
      method: "POST",
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { ids: string[] }).ids;
  }

  async function allCompleted(count: number, timeoutMs: number) {
    await waitFor(
      async () => {
        const [row] = await query<{ n: number }>(
          "select count(*)::int as n from engine.runs where status = 'completed'",
        );
        return row.n === count ? true : undefined;
      },
      timeoutMs,
      `${count} runs to complete`,
    );
  }

  beforeAll(async () => {
    const created = await createPostgresDatabase("flowchat_multi");
    drop = created.drop;
    db = await openDatabase({ databaseUrl: created.url, max: 3 });
    await migrate(db);
    fs.writeFileSync(file, "");
    // A starts first and leads the chores; B works the queue beside it.
    await start("A", created.url);
    await start("B", created.url);
  }, 90_000);

  afterAll(async () => {
    for (const child of Object.values(children)) child.process.kill("SIGKILL");
    await Promise.all(Object.values(children).map((c) => c.exited));
    await db?.close();
    await drop?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("spreads 200 runs over both processes, running no step twice", async () => {
    const events = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        name: "multi/run",
        data: { key: `spread-${from + i}` },
      }));
    // Half the events reach each process's API, as behind a load balancer.
    await Promise.all([send("A", events(0)), send("B", events(100))]);
    await allCompleted(200, 60_000);

    const done = effects();
    const byStep = new Map<string, number>();
    for (const e of done)
      byStep.set(`${e.run}/${e.step}`, (byStep.get(`${e.run}/${e.step}`) ?? 0) + 1);
    expect(byStep.size).toBe(600);
    expect([...byStep.values()].every((n) => n === 1)).toBe(true);
    const byProc = { A: 0, B: 0 } as Record<string, number>;
    for (const e of done) byProc[e.proc]++;
    expect(byProc.A).toBeGreaterThan(0);
    expect(byProc.B).toBeGreaterThan(0);
    const [failed] = await query<{ n: number }>(
      "select count(*)::int as n from engine.attempts where outcome <> 'ok' or attempt > 0",
    );
    expect(failed.n).toBe(0);
    // Engine log lines carry their time; the process that does not lead says so.
    expect(children.A.output()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[engine\] /m);
    expect(children.A.output()).toContain("leading the single-process chores");
    expect(children.B.output()).toContain("standing by for them");
  }, 90_000);

  it("finishes every run after a SIGKILL of one process, spending no attempt on it", async () => {
    fs.writeFileSync(file, "");
    await query("delete from engine.attempts");
    const events = (from: number) =>
      Array.from({ length: 16 }, (_, i) => ({
        name: "multi/run",
        // Steps long enough that one process alone cannot finish them all before the other
        // has run a few (which process claims what is up to the queue).
        data: { key: `kill-${from + i}`, ms: 400 },
      }));
    await Promise.all([send("A", events(0)), send("B", events(16))]);
    // Kill A while it runs steps.
    await waitFor(
      async () => (effects().filter((e) => e.proc === "A").length >= 3 ? true : undefined),
      30_000,
      "A to run steps",
    );
    children.A.process.kill("SIGKILL");
    await children.A.exited;
    const [pending] = await query<{ n: number }>(
      "select count(*)::int as n from engine.runs where status <> 'completed'",
    );
    expect(pending.n).toBeGreaterThan(0); // killed mid-run, not after the work was done
    await allCompleted(200 + 32, 60_000);
    // No attempt spent (below) means no retry backoff (15 s by default) was waited either: the
    // calls A had in flight went back to the queue at the same attempt. (No wall-clock bound:
    // on a loaded machine the runs themselves take that long.)
    const [spent] = await query<{ n: number }>(
      "select count(*)::int as n from engine.attempts where outcome <> 'ok' or attempt > 0",
    );
    expect(spent.n).toBe(0);
    const done = effects();
    const runs = new Set(done.map((e) => e.run));
    expect(runs.size).toBe(32);
    // B ran what A left; a step runs again only if A was running it when it died.
    expect(done.some((e) => e.proc === "B" && e.run.startsWith("kill-"))).toBe(true);
    const counts = new Map<string, Effect[]>();
    for (const e of done)
      counts.set(`${e.run}/${e.step}`, [...(counts.get(`${e.run}/${e.step}`) ?? []), e]);
    for (const [, runs] of counts) {
      if (runs.length > 1) {
        expect(runs.length).toBe(2);
        expect(runs[0].proc).toBe("A");
      }
    }
    expect(children.B.output()).toContain("took over the single-process chores");
  }, 120_000);
});
