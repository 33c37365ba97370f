// Crash safety: the executor runs in a child process that is SIGKILLed at random moments
// while many runs are in flight, then restarted. Every accepted event's run must complete,
// and no step whose result was stored may run again.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "@/tests/helpers/database";
import { type Child, freePort, spawnTs, waitFor } from "./processes";

// PGlite reopens its data directory more slowly after a kill: fewer rounds keep it quick.
const ROUNDS = { postgres: { runs: 24, kills: 3 }, pglite: { runs: 16, kills: 2 } };
const STEPS = ["s1", "s2", "p1", "p2", "s3"];

describe.each(["postgres", "pglite"] as const)("crash safety on %s", (driver) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-crash-"));
  let child: Child | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  afterAll(async () => {
    child?.process.kill("SIGKILL");
    await dropDb?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finishes every run after repeated SIGKILLs without rerunning stored steps", async () => {
    const { runs: RUNS, kills: KILLS } = ROUNDS[driver];
    const port = await freePort();
    const file = path.join(dir, "effects.jsonl");
    fs.writeFileSync(file, "");
    let databaseUrl: string | undefined;
    if (driver === "postgres") {
      const created = await createPostgresDatabase("flowchat_crash");
      databaseUrl = created.url;
      dropDb = created.drop;
    }
    const pgliteDir = path.join(dir, "pglite");
    const start = (incarnation: number) => {
      child = spawnTs(
        "tests/fixtures/inngest-app/crash-child.ts",
        [],
        {
          ENGINE_PORT: String(port),
          INCARNATION: String(incarnation),
          SIDE_EFFECTS_FILE: file,
          DATABASE_URL: databaseUrl,
          PGLITE_DIR: pgliteDir,
        },
        { direct: true },
      );
      return waitFor(
        async () => (child?.output().includes("ready") ? true : undefined),
        30_000,
        "child",
      );
    };

    const accepted: string[] = [];
    let incarnation = 0;
    await start(incarnation);
    let sent = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Send a share of the events, retrying until the engine accepts each one.
      const batch = Math.ceil(RUNS / KILLS);
      for (let i = 0; i < batch && sent < RUNS; i++, sent++) {
        const key = `run-${sent}`;
        const res = await fetch(`http://127.0.0.1:${port}/e/key`, {
          method: "POST",
          body: JSON.stringify({ name: "crash/run", data: { key } }),
        });
        const body = (await res.json()) as { ids: string[] };
        accepted.push(...body.ids);
      }
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 200));
      child?.process.kill("SIGKILL");
      await child?.exited;
      incarnation++;
      await start(incarnation);
    }

    // Let the last incarnation finish everything.
    const finalInc = incarnation;
    expect(accepted).toHaveLength(RUNS);
    const statuses = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/runs?function=crash-durable&limit=1000`);
        const runs = (await res.json()) as { id: string; eventId: string; status: string }[];
        const done = runs.filter((r) => r.status === "completed");
        return done.length >= RUNS ? runs : undefined;
      },
      120_000,
      "all runs to complete",
    );
    const byEvent = new Map<string, string[]>();
    for (const r of statuses) byEvent.set(r.eventId, [...(byEvent.get(r.eventId) ?? []), r.id]);
    const dupes = [...byEvent].filter(([, ids]) => ids.length > 1);
    if (dupes.length && process.env.ENGINE_TEST_LOGS) {
      for (const [, ids] of dupes) {
        for (const id of ids) {
          console.log(
            JSON.stringify(await (await fetch(`http://127.0.0.1:${port}/runs/${id}`)).json()),
          );
        }
      }
    }
    expect(statuses.map((r) => r.eventId).sort()).toEqual([...accepted].sort());
    expect(statuses.every((r) => r.status === "completed")).toBe(true);

    // Which incarnation produced each stored step result?
    const stored = new Map<string, number>();
    for (const run of statuses) {
      const detail = (await (await fetch(`http://127.0.0.1:${port}/runs/${run.id}`)).json()) as {
        event: { data: { key: string } };
        steps: { name: string; output: { data: { incarnation: number } } }[];
      };
      expect(detail.steps.map((s) => s.name).sort()).toEqual([...STEPS].sort());
      for (const s of detail.steps)
        stored.set(`${detail.event.data.key}:${s.name}`, s.output.data.incarnation);
    }
    const executions = new Map<string, number[]>();
    for (const line of fs.readFileSync(file, "utf8").split("\n").filter(Boolean)) {
      const { run, step, incarnation: inc } = JSON.parse(line);
      const key = `${run}:${step}`;
      executions.set(key, [...(executions.get(key) ?? []), inc]);
    }
    let reruns = 0;
    for (const [key, producedBy] of stored) {
      const runs = executions.get(key) ?? [];
      // The stored result comes from the last execution: nothing ran after it was stored.
      expect(runs.at(-1), key).toBe(producedBy);
      // Earlier executions were cut off by a kill before their result was stored.
      for (const inc of runs.slice(0, -1)) expect(inc, key).toBeLessThan(producedBy);
      reruns += runs.length - 1;
    }
    expect(stored.size).toBe(RUNS * STEPS.length);
    if (process.env.ENGINE_TEST_LOGS)
      console.log(`${driver}: ${reruns} step bodies re-ran after kills`);
    // Each kill can interrupt at most the steps that were in flight at that moment.
    expect(reruns).toBeLessThanOrEqual(KILLS * 32);
    expect(finalInc).toBe(KILLS);
  }, 240_000);
});
