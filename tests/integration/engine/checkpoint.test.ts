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

  it("stores a checkpoint of several steps in order, keeping a step's first result", async () => {
    // A function held inside its second step, so that its call stays in flight while the
    // test posts a checkpoint the way the SDK would (its qi_id is the call's job).
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const database = await createTestDatabase("postgres");
    const engine = createEngine({
      db: database,
      port: 0,
      checkpointing: true,
      backoff: fastBackoff,
      logger: silentLogger,
    });
    await engine.start();
    const app = await createTestApp({
      engineUrl: engine.url as string,
      id: "held-app",
      functions: (client) => [
        client.createFunction(
          { id: "held", triggers: [{ event: "test/held" }] },
          async ({ step }) => {
            await step.run("a", () => "first");
            await step.run("wait", () => held);
            return "done";
          },
        ),
      ],
    });
    setups.push({ engine, app, database, calls: () => 0 });
    await engine.sync({ url: app.url, fetch: app.fetch });
    const { ids } = await app.client.send({ name: "test/held", data: {} });
    let call: { id: string; run_id: string } | undefined;
    await expect
      .poll(async () => {
        [call] = await engine.sql.query<{ id: string; run_id: string }>(
          `select j.id, j.run_id from engine.jobs j join engine.runs r on r.id = j.run_id
           where r.event_id = $1 and j.kind = 'call' and j.locked_at is not null
             and exists (select 1 from engine.steps s where s.run_id = r.id and s.hash is not null)`,
          [ids[0]],
        );
        return call;
      })
      .toBeTruthy();
    const { id: qi, run_id: runId } = call as { id: string; run_id: string };
    const [first] = await engine.sql.query<{ hash: string }>(
      "select hash from engine.steps where run_id = $1",
      [runId],
    );
    const checkpoint = (steps: unknown[], jobId = qi) =>
      fetch(`${engine.url}/v1/checkpoint/${runId}/async`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ run_id: runId, qi_id: jobId, steps }),
      });
    const res = await checkpoint([
      { op: "StepRun", id: "x1", name: "one", data: 1 },
      { op: "StepRun", id: first.hash, name: "a", data: "second" },
      { op: "StepRun", id: "x2", displayName: "two", data: { v: 2 } },
      { op: "StepRun", id: "x1", name: "one", data: "again" },
    ]);
    expect(res.status).toBe(200);
    // Not the run's call (another job id): refused, nothing stored.
    expect((await checkpoint([{ op: "StepRun", id: "x3", data: 3 }], "01NOTTHECALL")).status).toBe(
      409,
    );
    const steps = await engine.sql.query<{ hash: string; name: string; output: unknown }>(
      "select hash, name, output from engine.steps where run_id = $1 order by position",
      [runId],
    );
    expect(steps.map((step) => [step.hash, step.name, step.output])).toEqual([
      [first.hash, "a", { data: "first" }],
      ["x1", "one", { data: 1 }],
      ["x2", "two", { data: { v: 2 } }],
    ]);
    const attempts = await engine.sql.query<{ step: string; attempt: number; outcome: string }>(
      "select step, attempt, outcome from engine.attempts where run_id = $1 and step in ('x1', 'x2', $2) order by step",
      [runId, first.hash],
    );
    expect(attempts.map((a) => [a.step, a.attempt, a.outcome])).toEqual(
      [
        [first.hash, 0, "ok"],
        ["x1", 0, "ok"],
        ["x2", 0, "ok"],
      ].sort((l, r) => (l[0] < r[0] ? -1 : 1)),
    );
    release();
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("completed");
    expect(run.output).toBe("done");
    // A checkpoint after the run ended is stale.
    expect((await checkpoint([{ op: "StepRun", id: "x4", data: 4 }])).status).toBe(409);
  });
});
