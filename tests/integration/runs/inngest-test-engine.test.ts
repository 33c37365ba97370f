// The interpreter through `@inngest/test`: no executor at all — the test engine calls the
// function over and over, feeding back each step's result, as Inngest does. That checks the
// interpreter's replay discipline directly (same step ids, same decisions on every replay)
// and lets a test mock one unit's result to drive the plan down a branch.
import { InngestTestEngine } from "@inngest/test";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecuteWorkflow } from "@/inngest/functions/execute-workflow";
import { createActionContext } from "@/lib/actions/runtime/context";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { createEffects, createTestRegistry } from "../../fixtures/runs/test-actions";
import { plan, pointAppAt } from "./harness";

describe("execute-workflow under @inngest/test", () => {
  let database: TestDatabase;
  let userId: string;
  const effects = createEffects();
  // Never reached: the one event the interpreter sends is mocked below.
  const client = new Inngest({ id: "flowchat", isDev: true, baseUrl: "http://127.0.0.1:9" });
  const fn = createExecuteWorkflow({
    client,
    registry: createTestRegistry(effects),
    appUrl: "http://app.test",
    resumeSecret: "test",
    concurrencyPerUser: 10,
    createContext: async (o) => ({
      context: createActionContext({ ...o, network: undefined }),
      secrets: {},
    }),
  });

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    pointAppAt(database);
    const { createUser } = await import("@/lib/db/queries");
    userId = (await createUser({ email: "t@example.com", passwordHash: "x" })).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** A queued run of an approved workflow, and the event that would start it. */
  async function queuedRun(steps: unknown[]) {
    pointAppAt(database);
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { prepareRun } = await import("@/lib/runs/start-run");
    const { workflow, version } = await createWorkflow({
      userId,
      title: "t",
      plan: plan(steps),
      author: "person",
    });
    await approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
    const run = await prepareRun({ userId, workflowId: workflow.id });
    const event = {
      name: "workflow/run.requested",
      data: { runId: run.id, userId, workflowId: workflow.id, versionId: version.id },
    };
    return { run, events: [event] as [typeof event] };
  }
  /** The run's end event, mocked: the test engine would otherwise really send it. */
  const announce = { id: "announce-finished", handler: () => ({ ids: ["mocked"] }) };

  it("runs a diamond to the end with one durable step per unit, named by its id", async () => {
    const { run, events } = await queuedRun([
      { id: "a", action: "transform", input: { value: 2 } },
      { id: "b", action: "transform", after: ["a"], input: { value: "{{ steps.a.output * 10 }}" } },
      { id: "c", action: "transform", after: ["a"], input: { value: "{{ steps.a.output + 1 }}" } },
      {
        id: "d",
        action: "transform",
        after: ["b", "c"],
        input: { value: "{{ steps.b.output + steps.c.output }}" },
      },
    ]);
    const t = new InngestTestEngine({ function: fn, events, steps: [announce] });
    const { result, ctx, error } = await t.execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ runId: run.id, status: "succeeded", output: 23 });
    const ids = (ctx.step.run as unknown as { mock: { calls: [string][] } }).mock.calls.map(
      ([id]) => id,
    );
    for (const unit of ["a", "b", "c", "d"]) expect(ids).toContain(unit);
    // Dependents are asked for only after what they read, though the test engine replays
    // the function from scratch for every step it runs.
    const firstPass = ids.indexOf("a");
    expect(ids.indexOf("b")).toBeGreaterThan(firstPass);
    expect(ids.indexOf("d")).toBeGreaterThan(ids.indexOf("c"));
    // The end is announced as a list (a failed run's also carries workflow/run.failed).
    expect(ctx.step.sendEvent).toHaveBeenCalledWith("announce-finished", [
      expect.objectContaining({
        name: "workflow/run.finished",
        data: expect.objectContaining({ runId: run.id, status: "succeeded" }),
      }),
    ]);
    const { getRunById } = await import("@/lib/db/run-queries");
    expect((await getRunById({ runId: run.id }))?.status).toBe("succeeded");
  });

  it("takes the branch a mocked unit result leads to", async () => {
    const { run, events } = await queuedRun([
      { id: "check", action: "test.count", input: { key: "never-runs" } },
      {
        id: "alert",
        action: "transform",
        after: ["check"],
        if: "steps.check.output.count > 100",
        input: { value: "many" },
      },
      {
        id: "calm",
        action: "transform",
        after: ["check"],
        if: "steps.check.output.count <= 100",
        input: { value: "few" },
      },
    ]);
    const before = effects.counts.get("never-runs") ?? 0;
    const t = new InngestTestEngine({
      function: fn,
      events,
      // The unit's step memoizes `{ output }`; the action itself never runs.
      steps: [{ id: "check", handler: () => ({ output: { count: 500 } }) }, announce],
    });
    const { result } = await t.execute();
    expect(result).toMatchObject({ runId: run.id, status: "succeeded" });
    expect((result as { output: unknown }).output).toEqual({ alert: "many", calm: null });
    // The mocked unit never ran its action.
    expect(effects.counts.get("never-runs") ?? 0).toBe(before);
  });
});
