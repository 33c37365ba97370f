// Checkpointing (Inngest's default since SDK v4): the executor sends `fn_id` and `qi_id`, the
// SDK runs step after step in one request and posts each result to
// POST /v1/checkpoint/:run/async before going on. Without it, one request per step.
import { afterAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { createTestApp, type TestApp } from "@/tests/fixtures/inngest-app/app";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { fastBackoff } from "./harness";

type Setup = { engine: Engine; app: TestApp; database: TestDatabase; calls: () => number };

async function setup(checkpointing: boolean): Promise<Setup> {
  const database = await createTestDatabase("postgres");
  const engine = createEngine({
    db: database,
    port: 0,
    checkpointing,
    backoff: fastBackoff,
    logger: silentLogger,
  });
  await engine.start();
  const app = await createTestApp({ engineUrl: engine.url as string, id: "checkpoint-app" });
  let calls = 0;
  await engine.sync({
    url: app.url,
    fetch: (request) => {
      if (request.method === "POST") calls++;
      return app.fetch(request);
    },
  });
  return { engine, app, database, calls: () => calls };
}

describe("checkpointing", () => {
  const setups: Setup[] = [];
  afterAll(async () => {
    for (const s of setups) {
      await s.engine.stop();
      await s.database.drop();
    }
  });

  /** Sends an event through the app's client and waits for the run it starts. */
  const runFor = async (s: Setup, name: string, data: Record<string, unknown>) => {
    const { ids } = await s.app.client.send({ name, data });
    let runId: string | undefined;
    await expect
      .poll(async () => {
        runId = (await s.engine.listRuns({ eventId: ids[0] }))[0]?.id;
        return runId;
      })
      .toBeTruthy();
    return s.engine.waitForRun(runId as string);
  };
  const runSteps = (s: Setup, key: string) => runFor(s, "test/steps", { key });

  it("runs sequential steps in one request and records each checkpointed result", async () => {
    const s = await setup(true);
    setups.push(s);
    const run = await runSteps(s, "one-request");
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ sum: 3, key: "one-request" });
    expect(s.calls()).toBe(1);
    expect(s.app.tracker.count("steps:a:one-request")).toBe(1);
    expect(s.app.tracker.count("steps:b:one-request")).toBe(1);
    expect(run.steps.map((step) => [step.name, step.status, step.output])).toEqual([
      ["a", "completed", { data: 1 }],
      ["b", "completed", { data: { value: 2 } }],
    ]);
  });

  it("goes back to running steps in the request once parallel branches joined", async () => {
    const s = setups[0];
    const before = s.calls();
    const run = await runFor(s, "test/parallel", { key: "join" });
    expect(run.output).toEqual({ results: [10, 20, 30], total: 60 });
    // Discovery planning three branches, one call per branch, then one discovery that runs
    // `total` itself and completes (planning it would take two more calls).
    expect(s.calls() - before).toBe(5);
  });

  it("takes one request per step when it is off", async () => {
    const s = await setup(false);
    setups.push(s);
    const run = await runSteps(s, "per-step");
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ sum: 3, key: "per-step" });
    expect(s.calls()).toBe(3);
  });

  it("refuses a checkpoint from a request the executor no longer waits for", async () => {
    const s = setups[0];
    const [done] = await s.engine.listRuns({
      functionId: "checkpoint-app-steps",
      status: "completed",
    });
    const post = (body: unknown) =>
      fetch(`${s.engine.url}/v1/checkpoint/${done.id}/async`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const stale = await post({
      run_id: done.id,
      qi_id: "01JOBTHATISNOTINFLIGHT00000",
      steps: [{ op: "StepRun", id: "abc", data: 1 }],
    });
    expect(stale.status).toBe(409);
    const wrongOp = await post({ qi_id: "x", steps: [{ op: "Sleep", id: "abc" }] });
    expect(wrongOp.status).toBe(400);
    expect((await wrongOp.json()).error).toMatch(
      /Only completed steps and defers can be checkpointed/,
    );
    // Nothing was added to the finished run.
    expect((await s.engine.getRun(done.id))?.steps).toHaveLength(2);
  });
});
