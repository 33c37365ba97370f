// Contract tests for durable endpoints in sync mode against the real SDK (`inngest.endpoint()`
// served by `inngest/node`'s `createEndpointServer`): the handler's steps run inside the HTTP
// request, its response goes straight back, and the executor keeps the run (created under the
// SDK's run id by `POST /v1/checkpoint`, stepped by `/v1/checkpoint/:run/steps`, ended by the
// `RunComplete` op). Async mode (a sleep, a retry…): the client is redirected to
// `/v1/http/runs/:id/output?token=`, the executor calls the endpoint back and the output waits
// for the run's end. Plus the routes' refusals: unsigned or forged when keys are set,
// malformed, oversized, unknown or ended runs, a wrong output token. PGlite and PostgreSQL.
import type http from "node:http";
import { Inngest, type Logger } from "inngest";
import { createEndpointServer, endpointAdapter } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointToken } from "@/inngest/local/durable-endpoint";
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

  it("goes async on a sleep: redirects to the output, calls the endpoint back, ends the run", async () => {
    const { step } = await import("inngest");
    const seen: string[] = [];
    const base = await serveEndpoint(s, async () => {
      const a = await step.run("a", async () => {
        seen.push("a");
        return "hello";
      });
      await step.sleep("nap", "1s");
      const b = await step.run("b", async () => {
        seen.push("b");
        return "world";
      });
      return `${a} ${b}` as unknown as Response;
    });
    const res = await fetch(`${base}/sleepy?x=1`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") as string);
    expect(location.pathname).toMatch(/^\/v1\/http\/runs\/[0-9A-Z]+\/output$/);
    const runId = location.pathname.split("/")[4];
    // Without the token, or with a forged one, the output is not given.
    for (const token of ["", "forged", "0".repeat(64)]) {
      const refused = await fetch(`${s.engine.url}${location.pathname}?token=${token}`);
      expect(refused.status).toBe(401);
    }
    const out = await fetch(location);
    expect(out.status).toBe(200);
    expect(await out.json()).toBe("hello world");
    const run = await s.engine.waitForRun(runId, { timeoutMs: 10_000 });
    expect(run.status).toBe("completed");
    expect(run.functionId).toMatch(/\/sleepy$/);
    // "a", the sleep (stored unnamed, as every sleep is), "b".
    expect(run.steps).toHaveLength(3);
    expect(run.steps.map((st) => st.name).filter(Boolean)).toEqual(["a", "b"]);
    // Each step ran once: "a" in the request, "b" in the executor's call after the sleep.
    expect(seen).toEqual(["a", "b"]);
    // The SDK read the run back (event and memoized steps) through the API.
    const steps = await fetch(`${s.engine.url}/v0/runs/${runId}/actions`);
    expect(Object.keys(await steps.json())).toHaveLength(3);
    const batch = await (await fetch(`${s.engine.url}/v0/runs/${runId}/batch`)).json();
    expect(batch[0]).toMatchObject({ name: "inngest/http.request", data: { path: "/sleepy" } });
    expect((await fetch(`${s.engine.url}/v0/runs/01NOSUCH/actions`)).status).toBe(404);
  });

  it("fails the run when a step throws a NonRetriableError (async mode ends it)", async () => {
    const { NonRetriableError, step } = await import("inngest");
    const base = await serveEndpoint(s, async () => {
      await step.run("a", async () => {
        throw new NonRetriableError("boom");
      });
      return Response.json("unreachable");
    });
    const res = await fetch(`${base}/boom`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const out = await fetch(res.headers.get("location") as string);
    expect(out.status).toBe(500);
    const run = await runFor(s.engine, `${base}/boom`);
    expect(run.status).toBe("failed");
    expect(JSON.stringify(run.error)).toContain("boom");
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
    for (const path of [`/v0/runs/${runId}/actions`, `/v0/runs/${runId}/batch`]) {
      expect((await fetch(`${s.engine.url}${path}`)).status, path).toBe(401);
    }
  });

  it("goes async with a signed call back; the output token is keyed by the signing key", async () => {
    const { step } = await import("inngest");
    const base = await serveEndpoint(
      s,
      async () => {
        await step.sleep("nap", "100ms");
        return Response.json("after nap");
      },
      SIGNING_KEY,
    );
    const res = await fetch(`${base}/nap`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") as string);
    const runId = location.pathname.split("/")[4];
    // The dev engine's token (no key) does not open a keyed engine's output.
    const devToken = endpointToken(runId, undefined);
    expect(devToken).not.toBe(location.searchParams.get("token"));
    expect((await fetch(`${s.engine.url}${location.pathname}?token=${devToken}`)).status).toBe(401);
    const out = await fetch(location);
    expect(out.status).toBe(200);
    expect(await out.json()).toBe('"after nap"');
    expect((await s.engine.waitForRun(runId)).status).toBe("completed");
  });
});
