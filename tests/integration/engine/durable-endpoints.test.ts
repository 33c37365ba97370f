// Contract tests for durable endpoints in sync mode against the real SDK (`inngest.endpoint()`
// served by `inngest/node`'s `createEndpointServer`): the handler's steps run inside the HTTP
// request, its response goes straight back, and the executor keeps the run (created under the
// SDK's run id by `POST /v1/checkpoint`, stepped by `/v1/checkpoint/:run/steps`, ended by the
// `RunComplete` op). Async mode (a sleep, a retry…) is refused: the run fails naming the op,
// the checkpoint answers 501. Plus the routes' refusals: unsigned or forged when keys are set,
// malformed, oversized, unknown or ended runs. PGlite in-process and PostgreSQL.
import type http from "node:http";
import { Inngest, type Logger } from "inngest";
import { createEndpointServer, endpointAdapter } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { hashSigningKey } from "@/inngest/local/protocol/signing";
import { createTestDatabase, type DriverName, type TestDatabase } from "@/tests/helpers/database";

const SIGNING_KEY = "signkey-prod-99887766554433221100ffeeddccbbaa99887766554433221100ffeeddccbbaa";
const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };

type Setup = { engine: Engine; database: TestDatabase; servers: http.Server[] };

async function startSetup(driver: DriverName, signingKey?: string): Promise<Setup> {
  const database = await createTestDatabase(driver);
  const engine = createEngine({
    db: database,
    port: 0,
    logger: silentLogger,
    signingKey,
    eventKey: signingKey ? "event-key-for-endpoints" : undefined,
  });
  await engine.start();
  return { engine, database, servers: [] };
}

async function stopSetup(s: Setup | undefined) {
  if (!s) return;
  for (const server of s.servers) server.close();
  await s.engine.stop();
  await s.database.drop();
}

/** An `inngest.endpoint()` handler on a free port; returns its base URL. */
async function serveEndpoint(
  s: Setup,
  handler: (req: Request) => Promise<Response>,
  signingKey?: string,
): Promise<string> {
  const client = new Inngest({
    id: `endpoints-${Math.random().toString(36).slice(2, 8)}`,
    isDev: !signingKey,
    signingKey,
    baseUrl: s.engine.url as string,
    endpointAdapter,
    logger: quiet,
  });
  const server = createEndpointServer(client.endpoint(handler));
  s.servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** The endpoint run the engine holds for a request to this URL (there is one per test). */
async function runFor(engine: Engine, url: string) {
  const path = new URL(url).pathname;
  const runs = await engine.sql.query<{ id: string }>(
    `select id from engine.runs where event -> 'data' ->> 'path' = $1 order by created_at desc`,
    [path],
  );
  expect(runs).toHaveLength(1);
  return engine.waitForRun(runs[0].id, { timeoutMs: 10_000 });
}

describe.each(["pglite", "postgres"] as const)("durable endpoints on %s", (driver) => {
  let s: Setup;
  beforeAll(async () => {
    s = await startSetup(driver);
  });
  afterAll(() => stopSetup(s));

  const post = (path: string, body: unknown, raw?: string) =>
    fetch(`${s.engine.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw ?? JSON.stringify(body),
    });

  it("runs the steps in the request, answers the handler's value and keeps the run", async () => {
    const { step } = await import("inngest");
    let calls = 0;
    const base = await serveEndpoint(s, async () => {
      calls++;
      const a = await step.run("a", async () => "hello");
      const b = await step.run("b", async () => `${a} world`);
      return b as unknown as Response;
    });
    const res = await fetch(`${base}/greet?who=me`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("hello world");
    expect(calls).toBe(1);
    const run = await runFor(s.engine, `${base}/greet`);
    expect(run.status).toBe("completed");
    expect(run.functionId).toMatch(/^endpoint:GET http:\/\/127\.0\.0\.1:\d+\/greet$/);
    expect(run.output).toBe('"hello world"');
    expect(run.steps.map((st) => [st.name, st.output])).toEqual([
      ["a", { data: "hello" }],
      ["b", { data: "hello world" }],
    ]);
    expect(run.event).toMatchObject({
      name: "inngest/http.request",
      data: { method: "GET", path: "/greet", query_params: "who=me" },
    });
    // The Dev Server's GraphQL sees it like any run.
    const gql = await post("/v0/gql", {
      query: "query ($id: String!) { run(runID: $id) { status } }",
      variables: { id: run.id },
    });
    expect((await gql.json()).data.run.status).toBe("COMPLETED");
  });

  it("passes a Response through (status and body) and completes the run", async () => {
    const { step } = await import("inngest");
    const base = await serveEndpoint(s, async () => {
      await step.run("a", async () => 1);
      return Response.json({ accepted: true }, { status: 202 });
    });
    const res = await fetch(`${base}/accept`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    const run = await runFor(s.engine, `${base}/accept`);
    expect(run.status).toBe("completed");
    expect(run.steps).toHaveLength(1);
  });

  it("refuses async mode: the run fails naming the op, the request fails", async () => {
    const { step } = await import("inngest");
    let afterSleep = false;
    const base = await serveEndpoint(s, async () => {
      await step.run("a", async () => "x");
      await step.sleep("nap", "1s");
      afterSleep = true;
      return Response.json("never");
    });
    const res = await fetch(`${base}/sleepy`, { redirect: "manual" });
    expect(res.status).toBe(500);
    const run = await runFor(s.engine, `${base}/sleepy`);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ name: "UnsupportedStep" });
    expect((run.error as { message: string }).message).toContain("async mode");
    expect((run.error as { message: string }).message).toContain("Sleep");
    expect(afterSleep).toBe(false);
  });

  it("refuses malformed, duplicate, oversized and misdirected checkpoints", async () => {
    const event = { name: "inngest/http.request", data: { method: "GET", path: "/x" } };
    const runId = `01NEG${Date.now()}`;
    const cases: [path: string, body: unknown, status: number, raw?: string][] = [
      ["/v1/checkpoint", null, 400, "{not json"],
      ["/v1/checkpoint", [1, 2], 400],
      ["/v1/checkpoint", { run_id: "", event }, 400],
      ["/v1/checkpoint", { run_id: "../../etc", event }, 400],
      ["/v1/checkpoint", { run_id: "a".repeat(65), event }, 400],
      ["/v1/checkpoint", { run_id: runId, event: { name: "app/other", data: {} } }, 400],
      ["/v1/checkpoint", { run_id: runId, event: { name: event.name } }, 400],
      ["/v1/checkpoint", { run_id: runId, event, steps: "a" }, 400],
      ["/v1/checkpoint", { run_id: runId, event, steps: [{ op: "StepRun" }] }, 400],
      [
        "/v1/checkpoint",
        {
          run_id: runId,
          event,
          steps: Array.from({ length: 101 }, (_, i) => ({ id: `${i}`, op: "Step" })),
        },
        400,
      ],
      ["/v1/checkpoint/01NOSUCHRUN/steps", { steps: [] }, 404],
    ];
    for (const [path, body, status, raw] of cases) {
      const res = await post(path, body, raw);
      expect(res.status, `${path} ${raw ?? JSON.stringify(body).slice(0, 80)}`).toBe(status);
    }
    // Nothing of the refusals was kept.
    expect(await s.engine.getRun(runId)).toBeUndefined();

    const big = await post(
      "/v1/checkpoint",
      null,
      JSON.stringify({ pad: "x".repeat(11 * 1024 * 1024) }),
    );
    expect(big.status).toBe(413);

    const first = await post("/v1/checkpoint", {
      run_id: runId,
      event,
      steps: [{ id: "s1", op: "StepRun", name: "s1", data: 1 }],
    });
    expect(first.status).toBe(200);
    expect((await first.json()).data).toMatchObject({ run_id: runId, app_id: "durable-endpoints" });
    // The SDK's run id is taken once.
    expect((await post("/v1/checkpoint", { run_id: runId, event })).status).toBe(409);
    const done = await post(`/v1/checkpoint/${runId}/steps`, {
      steps: [{ id: "c", op: "RunComplete", data: { status: 200, headers: {}, body: "1" } }],
    });
    expect(done.status).toBe(200);
    expect((await s.engine.getRun(runId))?.status).toBe("completed");
    // An ended run takes no more steps.
    const late = await post(`/v1/checkpoint/${runId}/steps`, {
      steps: [{ id: "s2", op: "StepRun", data: 2 }],
    });
    expect(late.status).toBe(409);
    expect((await s.engine.getRun(runId))?.steps.map((st) => st.id)).toEqual(["s1"]);
  });

  it("does not let /v1/checkpoint/:run/steps write into a run of a served function", async () => {
    const fnRun = `01FN${Date.now()}`;
    await s.engine.sql.query(
      `insert into engine.runs (id, function_id, app_id, event_id, event, status)
       values ($1, 'app-fn', 'app', 'e1', '{}'::jsonb, 'running')`,
      [fnRun],
    );
    const res = await post(`/v1/checkpoint/${fnRun}/steps`, {
      steps: [{ id: "s", op: "StepRun", data: 1 }],
    });
    expect(res.status).toBe(404);
    expect((await s.engine.getRun(fnRun))?.steps).toEqual([]);
  });
});

describe("durable endpoints with keys", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startSetup("pglite", SIGNING_KEY);
  });
  afterAll(() => stopSetup(s));

  it("serves an SDK holding the signing key", async () => {
    const { step } = await import("inngest");
    const base = await serveEndpoint(
      s,
      async () => {
        await step.run("a", async () => "signed");
        return Response.json("ok");
      },
      SIGNING_KEY,
    );
    const res = await fetch(`${base}/signed`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("ok");
    expect((await runFor(s.engine, `${base}/signed`)).status).toBe("completed");
  });

  it("refuses unsigned and forged checkpoints with 401, keeping nothing", async () => {
    const runId = `01UNSIGNED${Date.now()}`;
    const body = JSON.stringify({
      run_id: runId,
      event: { name: "inngest/http.request", data: {} },
      steps: [{ id: "s", op: "StepRun", data: 1 }],
    });
    for (const authorization of [
      undefined,
      "Bearer forged",
      `Bearer ${SIGNING_KEY}`,
      `Bearer ${hashSigningKey("signkey-prod-00")}`,
    ]) {
      for (const path of ["/v1/checkpoint", `/v1/checkpoint/${runId}/steps`]) {
        const res = await fetch(`${s.engine.url}${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(authorization ? { authorization } : {}),
          },
          body,
        });
        expect(res.status, `${path} with ${authorization}`).toBe(401);
      }
    }
    expect(await s.engine.getRun(runId)).toBeUndefined();
  });
});
