// Pausing and resuming a workflow, on both drivers: paused, its schedule (driven with a fixed
// clock, as the schedule tests do), its event trigger and its webhook start nothing; resumed,
// they start again, with nothing that fired while paused unless the person asks for a
// back-fill — which starts each missed fire time once. The routes check session, ownership
// and bodies.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const { findDueRuns, findMissedRuns, startScheduledRun, scheduledRunId } = await import(
  "@/lib/runs/schedules"
);
const { pauseWorkflow, resumeWorkflow } = await import("@/lib/workflows/pause");
const { matchEventTriggers } = await import("@/lib/runs/event-triggers");
const hooks = await import("@/app/api/hooks/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const pauseRoute = await import("@/app/api/workflows/[id]/pause/route");
const resumeRoute = await import("@/app/api/workflows/[id]/resume/route");
const runsRoute = await import("@/app/api/workflows/[id]/runs/route");
const { listRecentRuns, listRunEvents } = await import("@/lib/db/run-queries");
const workflowQueries = await import("@/lib/db/workflow-queries");

// Hourly on 29 February 2028, UTC: never due while the tests run, so the real tick stays out.
const hourly = { type: "schedule", cron: "0 * 29 2 *", timezone: "UTC" };
const at = (time: string) => new Date(`2028-02-29T${time}:00Z`);
const hookCtx = (token: string) => ({ params: Promise.resolve({ token }) }) as never;
const callHook = (workflowId: string) =>
  hooks.POST(
    new Request("http://app.test/api/hooks/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ping: 1 }),
    }),
    hookCtx(webhookToken(workflowId)),
  );
const empty = () => new Request("http://app.test/x", { method: "POST" });

describe.each(drivers)("pausing and resuming on %s", (driver) => {
  const h = harnessFor(driver, { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });

  const scheduled = () =>
    h.workflow(
      plan([{ id: "when", action: "transform", input: { value: "{{ trigger.scheduledAt }}" } }], {
        trigger: hourly,
      }),
    );
  const mine = async <T extends { workflowId: string }>(list: Promise<T[]>, id: string) =>
    (await list).filter((due) => due.workflowId === id);

  it("stops a schedule while paused and, resumed, starts nothing that fired meanwhile", async () => {
    const workflowId = await scheduled();
    expect((await mine(findDueRuns(at("01:59"), at("02:00")), workflowId)).length).toBe(1);

    const paused = await pauseWorkflow({ userId: h.userId, workflowId, now: at("01:30") });
    expect(paused.status).toBe("paused");
    expect(paused.pausedAt).toEqual(at("01:30"));
    // Every tick while paused: nothing due, nothing missed.
    for (const [from, to] of [
      ["01:59", "02:00"],
      ["02:59", "03:00"],
      ["03:59", "04:00"],
    ]) {
      expect(await mine(findDueRuns(at(from), at(to)), workflowId)).toEqual([]);
    }
    expect(await mine(findMissedRuns(at("01:00"), at("04:59")), workflowId)).toEqual([]);

    const { workflow, backfilled } = await resumeWorkflow({
      userId: h.userId,
      workflowId,
      now: at("04:30"),
    });
    expect(workflow.status).toBe("active");
    expect(workflow.resumedAt).toEqual(at("04:30"));
    expect(workflow.pausedAt).toBeNull();
    expect(backfilled).toBeUndefined();
    // The first tick after resuming (the app was also down: a gap since 01:00) starts nothing
    // that fired while paused — not even the latest as "late".
    expect(await mine(findMissedRuns(at("01:00"), at("04:59")), workflowId)).toEqual([]);
    // A tick for a minute before the resume that arrives late starts nothing either.
    expect(await mine(findDueRuns(at("03:59"), at("04:00")), workflowId)).toEqual([]);
    // The next fire time after the resume starts as usual.
    const due = await mine(findDueRuns(at("04:59"), at("05:00")), workflowId);
    expect(due.map((d) => d.at)).toEqual([at("05:00").toISOString()]);
    expect(await listRecentRuns({ userId: h.userId, workflowId })).toEqual([]);
    const runId = await startScheduledRun(due[0], h.client);
    expect((await h.finished(runId)).status).toBe("succeeded");
  });

  it("back-fills what the schedule missed while paused only when asked, each fire time once", async () => {
    const workflowId = await scheduled();
    await pauseWorkflow({ userId: h.userId, workflowId, now: at("01:30") });
    const { backfilled } = await resumeWorkflow({
      userId: h.userId,
      workflowId,
      backfill: true,
      now: at("04:30"),
      client: h.client,
    });
    expect(backfilled).toBe(3);
    const ids = ["02:00", "03:00", "04:00"].map((time) => scheduledRunId(workflowId, at(time)));
    const runs = await Promise.all(ids.map((id) => h.finished(id)));
    expect(runs.map((run) => run.output)).toEqual(
      ["02:00", "03:00", "04:00"].map((time) => at(time).toISOString()),
    );
    const events = await listRunEvents({ runId: ids[0] });
    expect(events.find((e) => e.message.startsWith("Back-filled"))).toBeDefined();
    // A tick that also covers those hours (after downtime) starts none of them again.
    expect(await mine(findMissedRuns(at("01:00"), at("04:59")), workflowId)).toEqual([]);
    // The same fire time started again (a repeated back-fill, a tick) is the same run.
    const again = await startScheduledRun(
      {
        workflowId,
        versionId: runs[0].versionId,
        userId: h.userId,
        threadId: null,
        title: "t",
        at: at("02:00").toISOString(),
        backfill: true,
      },
      h.client,
    );
    expect(again).toBe(ids[0]);
    expect(await listRecentRuns({ userId: h.userId, workflowId })).toHaveLength(3);
  });

  it("answers a paused workflow's webhook with 409 and a clear message, and 202 once resumed", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: "{{ trigger.body.ping }}" } }], {
        trigger: { type: "webhook" },
      }),
    );
    await pauseWorkflow({ userId: h.userId, workflowId });
    const refused = await callHook(workflowId);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: {
        code: "conflict:workflow",
        message: "This workflow is paused: its webhook starts no runs until the owner resumes it.",
      },
    });
    expect(await listRecentRuns({ userId: h.userId, workflowId })).toEqual([]);

    await resumeWorkflow({ userId: h.userId, workflowId });
    const accepted = await callHook(workflowId);
    expect(accepted.status).toBe(202);
    const run = await h.finished((await accepted.json()).runId);
    expect(run.output).toBe(1);
  });

  it("starts no event-triggered run of a paused workflow, and does again once resumed", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], {
        trigger: { type: "event", event: "workflow/run.finished" },
      }),
    );
    const event = (id: string) => ({
      id,
      name: "workflow/run.finished",
      at: new Date().toISOString(),
      data: { userId: h.userId, workflowId: crypto.randomUUID(), status: "succeeded" },
    });
    await pauseWorkflow({ userId: h.userId, workflowId });
    const whilePaused = await matchEventTriggers(event("e-paused"));
    expect(whilePaused.map((m) => m.workflowId)).not.toContain(workflowId);
    await resumeWorkflow({ userId: h.userId, workflowId });
    const resumed = await matchEventTriggers(event("e-resumed"));
    expect(resumed.map((m) => m.workflowId)).toContain(workflowId);
  });

  it("pauses only an active workflow and resumes only a paused one, with the reason", async () => {
    const workflowId = await scheduled();
    await expect(resumeWorkflow({ userId: h.userId, workflowId })).rejects.toMatchObject({
      code: "conflict:workflow",
      message: "This workflow is not paused: its triggers already start runs.",
    });
    await pauseWorkflow({ userId: h.userId, workflowId });
    await expect(pauseWorkflow({ userId: h.userId, workflowId })).rejects.toMatchObject({
      code: "conflict:workflow",
      message: "This workflow is already paused.",
    });
    const { workflow: draft } = await workflowQueries.createWorkflow({
      userId: h.userId,
      title: "Draft",
      plan: plan([{ id: "a", action: "transform", input: { value: 1 } }]),
      author: "person",
    });
    await expect(pauseWorkflow({ userId: h.userId, workflowId: draft.id })).rejects.toMatchObject({
      code: "conflict:workflow",
      message: expect.stringMatching(/no approved version yet/),
    });
    // Another person's workflow is missing, whatever its state.
    await expect(resumeWorkflow({ userId: other, workflowId })).rejects.toMatchObject({
      code: "not_found:workflow",
    });
  });

  it("keeps a paused workflow paused when a new version is approved", async () => {
    const workflowId = await scheduled();
    await pauseWorkflow({ userId: h.userId, workflowId });
    const { version } = await workflowQueries.addWorkflowVersion({
      userId: h.userId,
      workflowId,
      title: "Edited",
      plan: plan([{ id: "a", action: "transform", input: { value: 2 } }], { trigger: hourly }),
      author: "person",
    });
    const { workflow } = await workflowQueries.approveWorkflowVersion({
      userId: h.userId,
      workflowId,
      versionId: version.id,
    });
    expect(workflow.status).toBe("paused");
    expect(workflow.activeVersionId).toBe(version.id);
  });

  it("serves pause and resume to the owner only, with checked bodies, and still runs it by hand", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: "by hand" } }], { trigger: hourly }),
    );
    session.userId = undefined;
    expect((await pauseRoute.POST(empty(), ctx({ id: workflowId }))).status).toBe(401);
    expect((await resumeRoute.POST(empty(), ctx({ id: workflowId }))).status).toBe(401);

    session.userId = other;
    expect((await pauseRoute.POST(empty(), ctx({ id: workflowId }))).status).toBe(404);
    expect((await resumeRoute.POST(empty(), ctx({ id: workflowId }))).status).toBe(404);
    expect((await pauseRoute.POST(empty(), ctx({ id: "not-a-uuid" }))).status).toBe(404);

    session.userId = h.userId;
    expect((await pauseRoute.POST(post({ now: "x" }), ctx({ id: workflowId }))).status).toBe(400);
    const big = post({ pad: "x".repeat(4096) });
    expect((await pauseRoute.POST(big, ctx({ id: workflowId }))).status).toBe(413);

    const paused = await pauseRoute.POST(empty(), ctx({ id: workflowId }));
    expect(paused.status).toBe(200);
    const pausedBody = await paused.json();
    expect(pausedBody).toEqual({
      workflow: {
        id: workflowId,
        title: "Test plan",
        status: "paused",
        pausedAt: expect.any(String),
        resumedAt: null,
      },
    });
    const twice = await pauseRoute.POST(empty(), ctx({ id: workflowId }));
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.message).toBe("This workflow is already paused.");

    // Run now still works while paused: pausing stops what starts on its own.
    const manual = await runsRoute.POST(post({}), ctx({ id: workflowId }));
    expect(manual.status).toBe(201);
    expect((await h.finished((await manual.json()).run.id)).status).toBe("succeeded");

    for (const body of [{ backfill: "yes" }, { backfill: true, extra: 1 }, [1]]) {
      expect((await resumeRoute.POST(post(body), ctx({ id: workflowId }))).status).toBe(400);
    }
    const tooBig = post({ backfill: false, pad: "x".repeat(2048) });
    expect((await resumeRoute.POST(tooBig, ctx({ id: workflowId }))).status).toBe(413);
    const resumed = await resumeRoute.POST(post({ backfill: false }), ctx({ id: workflowId }));
    expect(resumed.status).toBe(200);
    const resumedBody = await resumed.json();
    expect(resumedBody.workflow).toMatchObject({
      id: workflowId,
      status: "active",
      pausedAt: null,
    });
    expect(Date.parse(resumedBody.workflow.resumedAt)).toBeGreaterThan(
      Date.parse(pausedBody.workflow.pausedAt) - 1,
    );
    expect(resumedBody.backfilled).toBeUndefined();

    // A back-fill answers how many it started (none: nothing fired in the last moments).
    await pauseRoute.POST(empty(), ctx({ id: workflowId }));
    const withBackfill = await resumeRoute.POST(post({ backfill: true }), ctx({ id: workflowId }));
    expect(withBackfill.status).toBe(200);
    expect((await withBackfill.json()).backfilled).toBe(0);
  });
});
