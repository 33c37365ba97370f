// The app's process on PGlite is SIGKILLed with runs in flight and a new one starts on the same
// data directory 0.5 s later, as a supervisor restarts it. The killed process is not reaped at
// once: its parent here never reaps (like a container's PID 1 without an init; after `kill -9`
// of `npm start`'s process group the server waits for init), so its pid still answers
// signals for a while. Then it is reaped, as it eventually is. The new process must take the
// database over, start its executor, say so on /api/health, and finish every run, with no step
// whose result was stored running again.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashSigningKey } from "@/inngest/local/protocol/signing";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { getRunById } from "@/lib/db/run-queries";
import { freePort, repoRoot, waitFor } from "../engine/processes";
import { expectNoStoredStepRanTwice } from "./crash-checks";
import { plan, pointAppAt } from "./harness";

const RUNS = 20;
const UNITS = ["a", "b", "c", "d"];

type AppProcess = { pid: number; output: () => string; parent: ChildProcess };

describe("an app process on PGlite killed and started again 0.5 s later", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runs-crash-restart-"));
  const apps: AppProcess[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    // An app is its parent's child, not ours: its pid stays its own while the parent lives.
    for (const app of apps) {
      if (app.pid > 0 && app.parent.exitCode === null && app.parent.signalCode === null) {
        try {
          process.kill(app.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      app.parent.kill("SIGKILL");
    }
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("takes the database over, reports its engine and finishes every run", async () => {
    const pgliteDir = path.join(dir, "pglite");
    const appPort = await freePort();
    const enginePort = await freePort();
    const file = path.join(dir, "effects.jsonl");
    fs.writeFileSync(file, "");
    const open = async () => {
      const handle = await openDatabase({ pgliteDir });
      await migrate(handle);
      pointAppAt(handle);
      return handle;
    };

    let handle = await open();
    const { createUser } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const user = await createUser({ email: "restart@example.com", passwordHash: "x" });
    const { workflow, version } = await createWorkflow({
      userId: user.id,
      title: "crash and restart",
      author: "person",
      plan: plan([
        { id: "a", action: "test.count", input: { key: "a" } },
        { id: "pause", action: "test.sleep", after: ["a"], input: { ms: 300 } },
        { id: "b", action: "test.count", after: ["pause"], input: { key: "b" } },
        { id: "c", action: "test.count", after: ["pause"], input: { key: "c" } },
        { id: "d", action: "test.count", after: ["b", "c"], input: { key: "d" } },
      ]),
    });
    await approveWorkflowVersion({
      userId: user.id,
      workflowId: workflow.id,
      versionId: version.id,
    });
    await handle.close();

    /** The app under a parent that never reaps it (sh execs into sleep after starting it). */
    const startApp = async (incarnation: number, startRuns: number): Promise<AppProcess> => {
      const env = {
        ...process.env,
        NEXT_RUNTIME: "nodejs",
        NODE_OPTIONS: "--conditions=react-server",
        PORT: String(appPort),
        INNGEST_EMBEDDED_PORT: String(enginePort),
        DATA_DIR: dir,
        PGLITE_DIR: pgliteDir,
        SIDE_EFFECTS_FILE: file,
        INCARNATION: String(incarnation),
        START_RUNS: String(startRuns),
        RUN_USER: user.id,
        RUN_WORKFLOW: workflow.id,
      };
      const script = `"${process.execPath}" --import tsx tests/fixtures/runs/app-child.ts & echo "pid $!"; exec sleep 300`;
      const parent = spawn("sh", ["-c", script], { cwd: repoRoot, env, stdio: "pipe" });
      let output = "";
      const app = { pid: 0, output: () => output, parent };
      apps.push(app);
      parent.stdout?.on("data", (d) => {
        output += d;
      });
      parent.stderr?.on("data", (d) => {
        output += d;
      });
      app.pid = await waitFor(
        async () => Number(/^pid (\d+)$/m.exec(output)?.[1]) || undefined,
        10_000,
        "the app's pid",
      );
      return app;
    };
    const started = (app: AppProcess) =>
      [...app.output().matchAll(/^started (\S+)$/gm)].map((m) => m[1]);
    const showOutput = (app: AppProcess) => (error: Error) => {
      throw new Error(`${error.message}\n${app.output()}`);
    };
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${appPort}/api/health`);
      return { status: res.status, body: await res.json() };
    };

    const first = await startApp(0, RUNS);
    const runIds = await waitFor(
      async () => (started(first).length >= RUNS ? started(first) : undefined),
      60_000,
      "the first process to start every run",
    );
    // Kill it while runs are in flight: some steps done, the sleeps under way.
    await waitFor(
      async () => (fs.readFileSync(file, "utf8").split("\n").length > 10 ? true : undefined),
      20_000,
      "the first steps",
    );
    process.kill(first.pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    if (fs.existsSync("/proc/self/stat")) {
      // The dead process still has its pid: a zombie its parent has not reaped.
      expect(fs.readFileSync(`/proc/${first.pid}/stat`, "utf8").split(") ")[1][0]).toBe("Z");
    }

    const second = await startApp(1, 0);
    // Once the new process has answered (and so tried to open the database), the zombie is
    // reaped, as it eventually is: init adopts it when its parent goes.
    await waitFor(() => health(), 30_000, "the new process to answer").catch(showOutput(second));
    first.parent.kill("SIGKILL");
    const healthy = await waitFor(
      async () => {
        const h = await health();
        return h.status === 200 ? h.body : undefined;
      },
      30_000,
      "the new process to be healthy",
    ).catch(showOutput(second));

    await waitFor(
      async () => {
        // The engine's API takes the bearer of its hashed signing key (generated into DATA_DIR).
        const key = fs.readFileSync(path.join(dir, "inngest-signing-key"), "utf8").trim();
        const res = await fetch(
          `http://127.0.0.1:${enginePort}/runs?function=flowchat-execute-workflow&limit=1000`,
          { headers: { authorization: `Bearer ${hashSigningKey(key)}` } },
        );
        const runs = (await res.json()) as { status: string }[];
        return runs.filter((r) => r.status === "completed").length >= RUNS ? true : undefined;
      },
      45_000,
      "every run to finish",
    ).catch(showOutput(second));

    expect(healthy).toMatchObject({ ok: true, database: "ok", engine: "ok", settings: "ok" });
    // A clean stop releases the directory; then read what the runs stored.
    process.kill(second.pid, "SIGTERM");
    await waitFor(
      async () => (fs.existsSync(`${pgliteDir}.lock`) ? undefined : true),
      15_000,
      "the new process to stop and release the database",
    );
    handle = await open();
    cleanup.push(() => handle.close());
    for (const runId of runIds) {
      expect((await getRunById({ runId }))?.status, runId).toBe("succeeded");
    }
    await expectNoStoredStepRanTwice({ effectsFile: file, runIds, units: UNITS });
  }, 150_000);
});
