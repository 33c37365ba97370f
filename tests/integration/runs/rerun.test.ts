// Re-runs on the embedded executor, through the real serve() handler, on PostgreSQL and PGlite:
// a 5-step plan of HTTP calls to a loopback fixture fails at step 4; re-running it from the
// failed step calls steps 4 and 5 only (the fixture's hit counts prove 1–3 were not called
// again), on the pinned and on the latest version, for manual, scheduled and webhook runs.
import { describe, expect, it } from "vitest";
import { httpRequest } from "@/lib/actions/http-request";
import { createRegistry } from "@/lib/actions/registry";
import { getRunById, getWaitSignal, listRunSteps } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { createTestRegistry } from "@/tests/fixtures/runs/test-actions";
import { drivers } from "@/tests/helpers/database";
import { startHttpTarget } from "../../fixtures/http-target";
import { harnessFor, plan } from "./harness";

const target = await startHttpTarget();
// The fixture is on loopback: the SSRF guard lets steps call exactly its port.
process.env.HTTP_ALLOWLIST = `127.0.0.1:${target.port}`;
resetEnvForTests();

const { startRerun, previewRerun } = await import("@/lib/runs/rerun");
const { answerApproval } = await import("@/lib/runs/control");
const { getRunLinks } = await import("@/lib/runs/view");
const { startScheduledRun } = await import("@/lib/runs/schedules");
const { startWebhookRun } = await import("@/lib/runs/webhooks");
const workflowQueries = await import("@/lib/db/workflow-queries");

const STEPS = ["s1", "s2", "s3", "s4", "s5"];
let prefixes = 0;

/**
 * Five HTTP steps in a chain, each calling `/switch/<prefix>-<step>`; s4 is a POST. `tweak`
 * changes a step's input (a new version); `extra` adds inputs (bindings) to a step.
 */
function chainPlan(
  prefix: string,
  options: {
    trigger?: unknown;
    extra?: Record<string, Record<string, unknown>>;
    tweak?: string;
  } = {},
) {
  return plan(
    STEPS.map((id, i) => ({
      id,
      action: "http.request",
      ...(i > 0 ? { after: [STEPS[i - 1]] } : {}),
      input: {
        url: `${target.url}/switch/${prefix}-${id}`,
        ...(id === "s4"
          ? { method: "POST", body: { from: `{{ steps.s3.output.body.name }}` } }
          : {}),
        query: { v: options.tweak === id ? "2" : "1", ...options.extra?.[id] },
      },
    })),
    { title: `Chain ${prefix}`, ...(options.trigger ? { trigger: options.trigger } : {}) },
  );
}

const hitsOf = (prefix: string) =>
  Object.fromEntries(STEPS.map((id) => [id, target.hits(`/switch/${prefix}-${id}`)]));

describe.each(drivers)("re-runs on %s", (driver) => {
  const h = harnessFor(driver, {
    registry: (effects) => createRegistry([...createTestRegistry(effects).list(), httpRequest]),
  });

  /** A workflow whose first run fails at s4; s4 is switched on again once it has failed. */
  async function failedRun(
    options: Parameters<typeof chainPlan>[1] & {
      start?: (workflowId: string) => Promise<string>;
    } = {},
  ) {
    const prefix = `${driver}${++prefixes}`;
    const workflowId = await h.workflow(chainPlan(prefix, options));
    target.failing.add(`${prefix}-s4`);
    const runId = options.start ? await options.start(workflowId) : (await h.start(workflowId)).id;
    const run = await h.finished(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ step: "s4" });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 1, s5: 0 });
    target.failing.delete(`${prefix}-s4`);
    return { prefix, workflowId, run };
  }

  async function rerun(
    source: Run,
    args: Omit<Parameters<typeof startRerun>[0], "userId" | "runId"> = {},
  ) {
    const { run, preview } = await startRerun({
      userId: h.userId,
      runId: source.id,
      client: h.client,
      ...args,
    });
    return { run: await h.finished(run.id), preview, started: run };
  }

  /** Approves a new version of the workflow with step s2 changed. */
  async function approveChangedS2(
    workflowId: string,
    prefix: string,
    options: Parameters<typeof chainPlan>[1] = {},
  ) {
    const { version } = await workflowQueries.addWorkflowVersion({
      userId: h.userId,
      workflowId,
      title: `Chain ${prefix}`,
      plan: chainPlan(prefix, { ...options, tweak: "s2" }),
      author: "person",
    });
    await workflowQueries.approveWorkflowVersion({
      userId: h.userId,
      workflowId,
      versionId: version.id,
    });
    return version;
  }

  /** Each unit's reused_from in a run: the source run id for reused units, null otherwise. */
  async function reusedFrom(runId: string) {
    const rows = await listRunSteps({ runId });
    return Object.fromEntries(rows.map((row) => [row.stepId, row.reusedFrom]));
  }

  it("from the failed step runs steps 4 and 5 only and reuses 1–3, linked both ways", async () => {
    const { prefix, run: source } = await failedRun();
    const preview = await previewRerun({ userId: h.userId, runId: source.id });
    expect(preview.steps.map((step) => [step.id, step.fate])).toEqual([
      ["s1", "reused"],
      ["s2", "reused"],
      ["s3", "reused"],
      ["s4", "runs"],
      ["s5", "runs"],
    ]);
    expect(preview.steps[3].sideEffect).toEqual({
      kind: "http",
      says: "sends the POST request again",
    });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 1, s5: 0 });

    const { run, started } = await rerun(source);
    expect(run.status).toBe("succeeded");
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 2, s5: 1 });
    expect(started.rerunOfId).toBe(source.id);
    expect(run.rerun).toEqual({
      from: "failed",
      version: "pinned",
      reused: ["s1", "s2", "s3"],
      inputsEdited: false,
    });
    expect(await reusedFrom(run.id)).toEqual({
      s1: source.id,
      s2: source.id,
      s3: source.id,
      s4: null,
      s5: null,
    });
    // s4 read s3's reused output: the fixture got the same body as the first time.
    const posts = target.requests.filter((r) => r.path === `/switch/${prefix}-s4`);
    expect(JSON.parse(posts[1].body)).toEqual({ from: `${prefix}-s3` });
    expect(JSON.parse(posts[0].body)).toEqual(JSON.parse(posts[1].body));

    const links = await getRunLinks({ run: source });
    expect(links.rerunOf).toBeNull();
    expect(links.rerunAs.map((r) => r.id)).toEqual([run.id]);
    expect((await getRunLinks({ run })).rerunOf?.id).toBe(source.id);
  });

  it("on the latest version runs a changed step 2 and what follows it again", async () => {
    const { prefix, workflowId, run: source } = await failedRun();
    const version = await approveChangedS2(workflowId, prefix);

    const pinned = await previewRerun({ userId: h.userId, runId: source.id, version: "pinned" });
    expect(pinned.reused).toEqual(["s1", "s2", "s3"]);
    expect(pinned.diff).toBeNull();

    const { run, preview } = await rerun(source, { version: "latest" });
    expect(preview.versions).toEqual({ pinned: 1, target: 2 });
    expect(preview.diff).toEqual(['~ step "s2": input.query.v "1" → "2"']);
    expect(preview.steps.map((step) => step.fate)).toEqual([
      "reused",
      "changed",
      "runs",
      "runs",
      "runs",
    ]);
    expect(run.status).toBe("succeeded");
    expect(run.versionId).toBe(version.id);
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 2, s3: 2, s4: 2, s5: 1 });
    const calls = target.requests.filter((r) => r.path === `/switch/${prefix}-s2`);
    expect(calls.map((call) => call.query.v)).toEqual(["1", "2"]);
  });

  it("from the start runs everything again, and from a chosen step runs it and what follows", async () => {
    const { prefix, run: source } = await failedRun();
    const fromStart = await rerun(source, { from: "start" });
    expect(fromStart.run.status).toBe("succeeded");
    expect(fromStart.run.rerun).toMatchObject({ from: "start", reused: [] });
    expect(hitsOf(prefix)).toEqual({ s1: 2, s2: 2, s3: 2, s4: 2, s5: 1 });

    const fromS2 = await rerun(source, { from: "s2" });
    expect(fromS2.run.status).toBe("succeeded");
    expect(hitsOf(prefix)).toEqual({ s1: 2, s2: 3, s3: 3, s4: 3, s5: 2 });
    expect(await reusedFrom(fromS2.run.id)).toMatchObject({ s1: source.id, s2: null });

    // A re-run of a re-run reuses from its own source: the succeeded one has nothing failed.
    await expect(rerun(fromS2.run)).rejects.toThrow(/no step failed/);
    const ofRerun = await rerun(fromS2.run, { from: "s5" });
    expect(ofRerun.run.status).toBe("succeeded");
    expect(hitsOf(prefix)).toEqual({ s1: 2, s2: 3, s3: 3, s4: 3, s5: 3 });
    expect(await reusedFrom(ofRerun.run.id)).toMatchObject({
      s1: fromS2.run.id,
      s4: fromS2.run.id,
      s5: null,
    });
  });

  it("re-runs a scheduled run with its fire time, from the failed step, on pinned and latest", async () => {
    const scheduledAt = "2026-03-02T07:30:00.000Z";
    // 03:00 on 29 February in Berlin: the real tick never starts it during the test.
    const trigger = { type: "schedule", cron: "0 3 29 2 *", timezone: "Europe/Berlin" };
    const {
      prefix,
      workflowId,
      run: source,
    } = await failedRun({
      trigger,
      start: async (workflowId) => {
        const workflow = await workflowQueries.getWorkflow({ id: workflowId, userId: h.userId });
        return startScheduledRun(
          {
            workflowId,
            versionId: workflow?.activeVersionId ?? "",
            userId: h.userId,
            threadId: null,
            title: workflow?.title ?? "",
            at: scheduledAt,
          },
          h.client,
        );
      },
    });
    await expect(
      startRerun({ userId: h.userId, runId: source.id, inputs: { x: 1 }, client: h.client }),
    ).rejects.toThrow(/scheduled run has no inputs/);
    const { run } = await rerun(source);
    expect(run.status).toBe("succeeded");
    expect(run.trigger).toEqual({ type: "schedule", scheduledAt });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 2, s5: 1 });

    await approveChangedS2(workflowId, prefix, { trigger });
    const latest = await rerun(source, { version: "latest" });
    expect(latest.run.status).toBe("succeeded");
    expect(latest.run.trigger).toEqual({ type: "schedule", scheduledAt });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 2, s3: 2, s4: 3, s5: 2 });
  });

  it("re-runs a webhook run with its payload, on pinned and latest, or with an edited body (steps reading it run again)", async () => {
    const webhook = {
      trigger: { type: "webhook" },
      extra: { s3: { order: "{{ trigger.body.order }}" } },
    };
    const {
      prefix,
      workflowId,
      run: source,
    } = await failedRun({
      ...webhook,
      start: async (workflowId) => {
        const workflow = await workflowQueries.getWorkflow({ id: workflowId, userId: h.userId });
        const version = await workflowQueries.getLatestVersion({ workflowId, userId: h.userId });
        if (!workflow || !version) throw new Error("no workflow");
        const run = await startWebhookRun(
          { workflow, version },
          { method: "POST", headers: {}, query: {}, body: { order: 7 } },
          h.client,
        );
        return run.runId;
      },
    });
    const same = await rerun(source);
    expect(same.run.status).toBe("succeeded");
    expect(same.run.trigger).toMatchObject({ type: "webhook", body: { order: 7 } });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 2, s5: 1 });

    const edited = await rerun(source, { inputs: { order: 8 } });
    expect(edited.preview.trigger).toMatchObject({
      type: "webhook",
      editable: "body",
      payload: { order: 8 },
      inputsEdited: true,
    });
    expect(edited.preview.steps[2]).toMatchObject({
      fate: "runs",
      reason: "reads the trigger, whose inputs were edited",
    });
    expect(edited.run.status).toBe("succeeded");
    expect(edited.run.trigger).toMatchObject({
      type: "webhook",
      method: "POST",
      body: { order: 8 },
    });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 1, s3: 2, s4: 3, s5: 2 });
    const orders = target.requests
      .filter((r) => r.path === `/switch/${prefix}-s3`)
      .map((r) => r.query.order);
    expect(orders).toEqual(["7", "8"]);

    await approveChangedS2(workflowId, prefix, webhook);
    const latest = await rerun(source, { version: "latest" });
    expect(latest.run.status).toBe("succeeded");
    expect(latest.run.trigger).toMatchObject({ type: "webhook", body: { order: 7 } });
    expect(hitsOf(prefix)).toEqual({ s1: 1, s2: 2, s3: 3, s4: 4, s5: 3 });
  });

  it("reuses outputs too large for a row or for the engine's state, copied into the re-run", async () => {
    const key = `${driver}-big-${++prefixes}`;
    const workflowId = await h.workflow(
      plan([
        { id: "mid", action: "test.big", input: { bytes: 20_000 } },
        { id: "big", action: "test.big", after: ["mid"], input: { bytes: 300_000 } },
        { id: "flaky", action: "test.flaky", after: ["big"], input: { key, failures: 1 } },
        {
          id: "sizes",
          action: "transform",
          after: ["flaky"],
          input: {
            value: "{{ [$length(steps.mid.output.text), $length(steps.big.output.text)] }}",
          },
        },
      ]),
    );
    const source = await h.finished((await h.start(workflowId)).id);
    expect(source.status).toBe("failed");
    const { run } = await rerun(source);
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual([20_000, 300_000]);
    expect(await reusedFrom(run.id)).toMatchObject({ mid: source.id, big: source.id });
    const { loadRunOutput } = await import("@/lib/db/run-queries");
    // The source kept both whole (run_outputs), and the re-run holds its own copies.
    for (const [unitId, bytes] of [
      ["mid", 20_000],
      ["big", 300_000],
    ] as const) {
      const copied = (await loadRunOutput({ runId: run.id, unitId })) as { text: string };
      expect(copied.text).toHaveLength(bytes);
      expect(copied).toEqual(await loadRunOutput({ runId: source.id, unitId }));
    }
  });

  it("reuses an answered approval and a child workflow's run without asking or starting again", async () => {
    const key = `${driver}-waits-${++prefixes}`;
    const child = await h.workflow(
      plan([{ id: "count", action: "test.count", input: { key: `${key}:child` } }]),
    );
    const workflowId = await h.workflow(
      plan([
        { id: "ask", action: "wait.approval", input: { prompt: "go?", timeout: "1h" } },
        { id: "call", action: "workflow.run", after: ["ask"], input: { workflow: child } },
        { id: "flaky", action: "test.flaky", after: ["call"], input: { key, failures: 1 } },
        {
          id: "use",
          action: "transform",
          after: ["flaky"],
          input: { value: "{{ [steps.ask.output.approved, steps.call.output.status] }}" },
        },
      ]),
    );
    const started = await h.start(workflowId);
    await h.waitFor(async () => {
      const run = await getRunById({ runId: started.id });
      return run?.status === "waiting" ? run : undefined;
    }, "the approval to wait");
    await answerApproval({
      userId: h.userId,
      runId: started.id,
      stepId: "ask",
      approved: true,
      client: h.client,
    });
    const source = await h.finished(started.id);
    expect(source.status).toBe("failed");
    expect(h.effects.counts.get(`${key}:child`)).toBe(1);

    const { run, preview } = await rerun(source);
    expect(preview.reused).toEqual(["ask", "call"]);
    expect(run.status).toBe("succeeded");
    expect(run.output).toEqual([true, "succeeded"]);
    // Nothing asked again (no wait armed for the new run), no child run started again.
    expect(await getWaitSignal({ runId: run.id, stepId: "ask" })).toMatchObject({
      armed: false,
      signaled: false,
    });
    expect(h.effects.counts.get(`${key}:child`)).toBe(1);
    expect(await reusedFrom(run.id)).toMatchObject({ ask: source.id, call: source.id });
  });

  it("refuses a run that has not ended and a step the plan does not have", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "nap", action: "wait.delay", input: { duration: "1h" } }]),
    );
    const running = await h.start(workflowId);
    await expect(
      startRerun({ userId: h.userId, runId: running.id, client: h.client }),
    ).rejects.toMatchObject({ status: 409 });
    const { run: source } = await failedRun();
    await expect(
      previewRerun({ userId: h.userId, runId: source.id, from: "nope" }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('no step "nope"') });
    const other = await h.user();
    await expect(previewRerun({ userId: other, runId: source.id })).rejects.toMatchObject({
      status: 404,
    });
  });
});
