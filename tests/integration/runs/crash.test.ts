// A run killed mid-way resumes without repeating work: the executor and the app's functions
// run in a child process that is SIGKILLed at random moments and started again. Every run
// finishes; no step whose result was stored runs again; every unit has one success record.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { getRunById } from "@/lib/db/run-queries";
import { createPostgresDatabase } from "@/tests/helpers/database";
import { type Child, freePort, spawnTs, waitFor } from "../engine/processes";
import { expectNoStoredStepRanTwice } from "./crash-checks";
import { plan, pointAppAt } from "./harness";

const ROUNDS = { postgres: { runs: 12, kills: 3 }, pglite: { runs: 8, kills: 2 } };
const UNITS = ["a", "b", "c", "e", "d"];

// On PGlite the child owns the data directory while it runs: it starts the runs itself and
// the test reads the records only after a clean stop.
describe.each(["postgres", "pglite"] as const)("a crashed run on %s", (driver) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runs-crash-"));
  let child: Child | undefined;
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    child?.process.kill("SIGKILL");
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("resumes after SIGKILLs with no stored step executed twice", async () => {
    const { runs: RUNS, kills: KILLS } = ROUNDS[driver];
    let databaseUrl: string | undefined;
    const pgliteDir = path.join(dir, "pglite");
    if (driver === "postgres") {
      const created = await createPostgresDatabase("flowchat_runs_crash");
      cleanup.push(created.drop);
      databaseUrl = created.url;
    }
    const open = async () => {
      const handle = await openDatabase({ databaseUrl, pgliteDir, max: 3 });
      await migrate(handle);
      pointAppAt(handle);
      return handle;
    };
    let handle = await open();
    cleanup.push(() => handle.close());
    const port = await freePort();
    const file = path.join(dir, "effects.jsonl");
    fs.writeFileSync(file, "");

    const { createUser } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { startRun } = await import("@/lib/runs/start-run");
    const user = await createUser({ email: "crash@example.com", passwordHash: "x" });
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: "crash",
      author: "person",
      plan: plan([
        { id: "a", action: "test.count", input: { key: "a" } },
        { id: "b", action: "test.count", after: ["a"], input: { key: "b" } },
        { id: "c", action: "test.count", after: ["a"], input: { key: "c" } },
        // A chain beside b: e starts as soon as c is done, whatever b is doing (race mode).
        { id: "e", action: "test.count", after: ["c"], input: { key: "e" } },
        { id: "d", action: "test.count", after: ["b", "e"], input: { key: "d" } },
      ]),
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    if (driver === "pglite") await handle.close();

    const client = new Inngest({
      id: "flowchat",
      isDev: true,
      baseUrl: `http://127.0.0.1:${port}`,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    });
    const started = () =>
      [...(child?.output() ?? "").matchAll(/^started (\S+)$/gm)].map((m) => m[1]);
    const start = async (incarnation: number, startRuns: number) => {
      child = spawnTs(
        "tests/fixtures/runs/crash-child.ts",
        [],
        {
          ENGINE_PORT: String(port),
          INCARNATION: String(incarnation),
          SIDE_EFFECTS_FILE: file,
          DATABASE_URL: databaseUrl,
          PGLITE_DIR: pgliteDir,
          START_RUNS: String(startRuns),
          RUN_USER: user.id,
          RUN_WORKFLOW: workflow.id,
          NODE_OPTIONS: "--conditions=react-server",
        },
        { direct: true },
      );
      await waitFor(
        async () =>
          started().length >= startRuns && child?.output().includes("ready") ? true : undefined,
        60_000,
        "child",
      );
      return started();
    };

    const runIds: string[] = [];
    const batch = Math.ceil(RUNS / KILLS);
    let incarnation = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const fromChild = driver === "pglite" ? batch : 0;
      runIds.push(...(await start(incarnation, fromChild)));
      for (let i = 0; driver === "postgres" && i < batch && runIds.length < RUNS; i++) {
        runIds.push((await startRun({ userId: user.id, workflowId: workflow.id, client })).id);
      }
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 600));
      child?.process.kill("SIGKILL");
      await child?.exited;
      incarnation++;
    }
    await start(incarnation, 0);
    expect(runIds).toHaveLength(RUNS);

    if (driver === "pglite") {
      // Every interpreter run done in the engine means every record is written.
      await waitFor(
        async () => {
          const res = await fetch(
            `http://127.0.0.1:${port}/runs?function=flowchat-execute-workflow&limit=1000`,
          );
          const runs = (await res.json()) as { status: string }[];
          return runs.filter((r) => r.status === "completed").length >= RUNS ? true : undefined;
        },
        120_000,
        "every engine run to complete",
      );
      child?.process.kill("SIGTERM");
      await child?.exited;
      handle = await open();
    }
    const runs = await waitFor(
      async () => {
        const rows = await Promise.all(runIds.map((runId) => getRunById({ runId })));
        return rows.every((run) => run?.status === "succeeded") ? rows : undefined;
      },
      90_000,
      "every run to succeed",
    );
    expect(runs).toHaveLength(RUNS);

    await expectNoStoredStepRanTwice({ effectsFile: file, runIds, units: UNITS });
  }, 240_000);
});
