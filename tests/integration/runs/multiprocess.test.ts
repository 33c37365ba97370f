// Several app processes on one PostgreSQL database (issue 17), at the app's level: two
// processes, each with its own embedded executor (on its own port) and its own copy of the
// app's functions, whose Inngest client posts to its own executor. Run now, a webhook, a resume
// link's decision and a cancel work whichever process receives them: each only puts events
// into the shared queue, and either executor may run what follows. A webhook whose start the
// engine does not take fails its run record with the reason instead of leaving it queued.
import { Inngest } from "inngest";
import { serve } from "inngest/next";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngine, type Engine } from "@/inngest/local/engine";
import { silentLogger } from "@/inngest/local/interfaces";
import { createActionContext } from "@/lib/actions/runtime/context";
import { toFetch } from "@/tests/fixtures/inngest-app/app";
import { createEffects, createTestRegistry } from "@/tests/fixtures/runs/test-actions";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/database";
import { APP_URL, appClientPort, ENGINE_KEYS, plan, pointAppAt } from "./harness";

await appClientPort();
const { getRunById, listRunSteps } = await import("@/lib/db/run-queries");
const { startRun } = await import("@/lib/runs/start-run");
const { findWebhookTarget, startWebhookRun, webhookToken } = await import("@/lib/runs/webhooks");
const { decideWait, cancelRun } = await import("@/lib/runs/control");
const { isTerminal } = await import("@/lib/runs/status");

type Proc = { name: string; engine: Engine; client: Inngest.Any };

describe("app processes on one PostgreSQL database", () => {
  let database: TestDatabase;
  const procs: Proc[] = [];
  let userId: string;

  async function startProcess(name: string): Promise<Proc> {
    const engine = createEngine({
      db: database,
      port: 0,
      backoff: (attempt) => 50 * (attempt + 1),
      pollIntervalMs: 200,
      logger: silentLogger,
      ...ENGINE_KEYS,
    });
    await engine.start();
    const client = new Inngest({
      id: "flowchat",
      isDev: false,
      baseUrl: engine.url,
      ...ENGINE_KEYS,
      logger: { info() {}, warn() {}, error() {}, debug() {} },
    });
    const { createFunctions } = await import("@/inngest/functions");
    const functions = createFunctions({
      client,
      registry: createTestRegistry(createEffects()),
      appUrl: APP_URL,
      concurrencyPerUser: 200,
      createContext: async (o) => ({
        context: createActionContext({ ...o, network: undefined }),
        secrets: {},
      }),
    });
    await engine.sync({
      url: `${APP_URL}/api/inngest`,
      fetch: toFetch(serve({ client, functions })),
    });
    return { name, engine, client };
  }

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    pointAppAt(database);
    procs.push(await startProcess("A"), await startProcess("B"));
    const queries = await import("@/lib/db/queries");
    userId = (
      await queries.createUser({
        email: `multi-${Date.now()}@example.com`,
        name: "M",
        passwordHash: "x",
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.engine.stop();
    await database?.drop();
  });

  async function workflow(steps: unknown[], extra: Record<string, unknown> = {}) {
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const { workflow, version } = await createWorkflow({
      userId,
      title: "Multi",
      plan: plan(steps, extra),
      author: "person",
    });
    await approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
    return workflow.id;
  }

  async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const finished = (runId: string) =>
    until(async () => {
      const run = await getRunById({ runId });
      return run && isTerminal(run.status) ? run : undefined;
    }, `run ${runId} to end`);
  const reached = (runId: string, status: string) =>
    until(
      async () => ((await getRunById({ runId }))?.status === status ? true : undefined),
      `run ${runId} to be ${status}`,
    );

  it.each(["A", "B"])("runs a workflow started with Run now on process %s", async (name) => {
    const proc = procs.find((p) => p.name === name) as Proc;
    const workflowId = await workflow([
      { id: "greet", action: "transform", input: { value: name } },
    ]);
    const run = await startRun({ userId, workflowId, client: proc.client });
    expect((await finished(run.id)).status).toBe("succeeded");
  });

  it.each(["A", "B"])("runs a webhook received by process %s", async (name) => {
    const proc = procs.find((p) => p.name === name) as Proc;
    const workflowId = await workflow(
      [{ id: "echo", action: "transform", input: { value: "{{ trigger.body.n }}" } }],
      { trigger: { type: "webhook" } },
    );
    const target = await findWebhookTarget(webhookToken(workflowId));
    const received = { method: "POST", headers: {}, query: {}, body: { n: name } };
    const started = await startWebhookRun(target, received, proc.client);
    expect(started.kind).toBe("created");
    expect((await finished(started.runId)).status).toBe("succeeded");
    const [step] = await listRunSteps({ runId: started.runId });
    expect(step.output).toBe(name);
  });

  it.each([
    ["A", "B"],
    ["B", "A"],
  ])("resumes a wait through process %s for a run started on %s", async (via, startedOn) => {
    const starter = procs.find((p) => p.name === startedOn) as Proc;
    const decider = procs.find((p) => p.name === via) as Proc;
    const workflowId = await workflow([
      {
        id: "ask",
        action: "wait.approval",
        title: "Ship?",
        input: { prompt: "Ship?", timeout: "1m" },
      },
      {
        id: "after",
        action: "transform",
        after: ["ask"],
        input: { value: "{{ steps.ask.output }}" },
      },
    ]);
    const run = await startRun({ userId, workflowId, client: starter.client });
    await reached(run.id, "waiting");
    const fresh = await getRunById({ runId: run.id });
    await decideWait({
      run: fresh as NonNullable<typeof fresh>,
      stepId: "ask",
      payload: { approved: true },
      via: "url",
      client: decider.client,
    });
    expect((await finished(run.id)).status).toBe("succeeded");
  });

  it.each([
    ["A", "B"],
    ["B", "A"],
  ])("cancels through process %s a run started on %s", async (via, startedOn) => {
    const starter = procs.find((p) => p.name === startedOn) as Proc;
    const canceller = procs.find((p) => p.name === via) as Proc;
    const workflowId = await workflow([
      {
        id: "ask",
        action: "wait.approval",
        title: "Hold",
        input: { prompt: "Hold", timeout: "1h" },
      },
    ]);
    const run = await startRun({ userId, workflowId, client: starter.client });
    await reached(run.id, "waiting");
    await cancelRun({ userId, runId: run.id, client: canceller.client });
    expect((await finished(run.id)).status).toBe("cancelled");
  });

  it("fails a webhook's run with the reason when the engine does not take its start", async () => {
    const workflowId = await workflow([{ id: "echo", action: "transform", input: { value: 1 } }], {
      trigger: { type: "webhook" },
    });
    const target = await findWebhookTarget(webhookToken(workflowId));
    const unreachable = {
      send: async () => {
        throw new Error("fetch failed");
      },
    } as never;
    const received = { method: "POST", headers: {}, query: {}, body: {} };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(startWebhookRun(target, received, unreachable)).rejects.toMatchObject({
      code: "unavailable:run",
    });
    logged.mockRestore();
    const { listRunsForWorkflow } = await import("@/lib/db/run-queries");
    const runs = await listRunsForWorkflow({ workflowId, userId });
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe("failed");
    expect(JSON.stringify(runs[0].error)).toContain("could not be reached");
  });
});
