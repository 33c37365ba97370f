// The Dev Server's GraphQL slice (POST /v0/gql) that tools built for the Dev Server read
// runs and events through: answered by a real GraphQL executor from the engine's records.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness";

describe("POST /v0/gql", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("pglite");
  });
  afterAll(async () => {
    await h?.close();
  });

  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${h.engine.url}/v0/gql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    // Response shapes vary per query; the assertions below check them field by field.
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON read by the assertions
    type Json = any;
    return { status: res.status, body: (await res.json()) as { data?: Json; errors?: Json[] } };
  };
  const finishedRun = async (fn: string, event: string, data: Record<string, unknown>) => {
    const eventId = await h.send(event, data);
    const runId = await h.runFor(eventId, fn);
    await h.engine.waitForRun(runId, { timeoutMs: 20_000 });
    return { eventId, runId };
  };
  const traceQuery = `query ($runId: String!) {
    run(runID: $runId) {
      status
      functionID
      trace(preview: true) {
        name status outputID isRoot
        childrenSpans { name stepID status outputID attempts }
      }
    }
  }`;
  const outputQuery = `query ($id: String!) {
    runTraceSpanOutputByID(outputID: $id) { data error { message name } }
  }`;

  it("reports a completed run, its steps and its return value", async () => {
    const { runId } = await finishedRun("steps", "test/steps", { key: "gql" });
    const { status, body } = await gql(traceQuery, { runId });
    expect(status).toBe(200);
    const run = body.data.run;
    expect(run.status).toBe("COMPLETED");
    expect(run.functionID).toBe(`${h.app.id}-steps`);
    expect(run.trace).toMatchObject({ status: "COMPLETED", isRoot: true, name: "steps" });
    expect(run.trace.childrenSpans.map((s: { name: string }) => s.name)).toEqual(["a", "b"]);
    expect(run.trace.childrenSpans[0]).toMatchObject({ status: "COMPLETED", attempts: 1 });

    const output = await gql(outputQuery, { id: run.trace.outputID });
    expect(JSON.parse(output.body.data.runTraceSpanOutputByID.data)).toEqual({
      sum: 3,
      key: "gql",
    });
    const step = await gql(outputQuery, { id: run.trace.childrenSpans[1].outputID });
    expect(JSON.parse(step.body.data.runTraceSpanOutputByID.data)).toEqual({ value: 2 });
  });

  it("reports a failed run with its error", async () => {
    const { runId } = await finishedRun("non-retriable", "test/non-retriable", { key: "gql" });
    const { body } = await gql(traceQuery, { runId });
    expect(body.data.run.trace.status).toBe("FAILED");
    const output = await gql(outputQuery, { id: body.data.run.trace.outputID });
    expect(output.body.data.runTraceSpanOutputByID).toMatchObject({
      data: null,
      error: { message: expect.stringContaining("this will never work") },
    });
  });

  it("returns an event as it was stored, and the runs it started", async () => {
    const { eventId, runId } = await finishedRun("steps", "test/steps", { key: "event" });
    const { body } = await gql(
      `query Event($id: ULID!) { eventV2(id: $id) { name raw idempotencyKey runs { id } } }`,
      { id: eventId },
    );
    const event = body.data.eventV2;
    expect(event.name).toBe("test/steps");
    expect(JSON.parse(event.raw)).toMatchObject({ name: "test/steps", data: { key: "event" } });
    expect(typeof event.idempotencyKey).toBe("string");
    expect(event.runs).toEqual([{ id: runId }]);
  });

  it("answers null for unknown ids and 400 with errors for a query it cannot run", async () => {
    expect((await gql(traceQuery, { runId: "01NOSUCHRUN" })).body.data.run).toBeNull();
    expect(
      (await gql(outputQuery, { id: "run:01NOSUCHRUN" })).body.data.runTraceSpanOutputByID,
    ).toBeNull();
    const unknownField = await gql("{ runs { id } }");
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.[0].message).toMatch(/Cannot query field "runs"/);
    const broken = await gql("{ run(runID: ");
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.[0].message).toMatch(/Syntax Error/);
    const missingVariable = await gql(traceQuery);
    expect(missingVariable.status).toBe(200);
    expect(missingVariable.body.errors?.[0].message).toMatch(/\$runId/);
  });
});
