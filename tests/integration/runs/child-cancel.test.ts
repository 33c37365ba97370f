// Child runs end with their parent, on PostgreSQL and PGlite, through the embedded executor,
// the real serve() handler and the cancel-child-runs function: cancelling a parent that waits
// on a workflow.run child cancels the child and the grandchild (each "Cancelled with its
// parent run …", shown on its card, its engine run stopped), a child that already finished is
// left as it was, a bulk cancel of parents takes their children, a parent past its time limit
// or replaced by a newer run takes its child with that reason; another person can neither cancel the parent (one run or a
// bulk action) nor, so, its children.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Run } from "@/lib/db/schema";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan, type RunsHarness } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const bulkRoute = await import("@/app/api/runs/bulk/route");
const cancelRoute = await import("@/app/api/runs/[id]/cancel/route");
const { getRunById, listRunEvents, listRunSteps } = await import("@/lib/db/run-queries");
const { cancelRun } = await import("@/lib/runs/control");
const { createBulkAction } = await import("@/lib/runs/bulk");
const { childRunIdOf, getRunPlan } = await import("@/lib/runs/view");
const { toWireRunView } = await import("@/lib/runs/wire");
const { buildTimeline } = await import("@/lib/runs/timeline");
const { runAnnouncements, snapshotOf } = await import("@/lib/runs/announce");
const { resetRateLimits } = await import("@/lib/rate-limit");
const { ACTIVE_STATUSES } = await import("@/lib/runs/status");

const NAP = { id: "nap", action: "wait.delay", input: { duration: "1h" } };
const withParent = (parentRunId: string) => `Cancelled with its parent run ${parentRunId}`;

describe.each(drivers)("child runs end with their parent on %s", (driver) => {
  const h: RunsHarness = harnessFor(driver, { port });
  let napper: string;
  let middle: string;
  beforeAll(async () => {
    // A child that waits an hour, and one that runs it as its own child.
    napper = await h.workflow(plan([NAP], { title: "Napper" }));
    middle = await h.workflow(
      plan([{ id: "inner", action: "workflow.run", input: { workflow: napper } }], {
        title: "Middle",
      }),
    );
  });
  afterEach(() => {
    session.userId = undefined;
    resetRateLimits();
  });

  const run = async (runId: string) => (await getRunById({ runId })) as Run;

  /** The run's `stepId` unit has reached `status`. */
  const reached = (runId: string, stepId: string, status: string) =>
    h.waitFor(async () => {
      const rows = await listRunSteps({ runId });
      return rows.some((row) => row.stepId === stepId && row.status === status) ? true : undefined;
    }, `${runId} ${stepId} ${status}`);

  /** The run ended; its engine run too, and nothing of it is left under way. */
  async function ended(runId: string) {
    const record = await h.finished(runId, 15_000);
    if (record.engineRunId) await h.engine.waitForRun(record.engineRunId, { timeoutMs: 15_000 });
    const open = (await listRunSteps({ runId })).filter(
      (row) => row.status === "running" || row.status === "waiting",
    );
    expect(open).toEqual([]);
    return record;
  }

  /** The run ended cancelled with `parentRunId`, its log and its card saying so, once. */
  async function cancelledWith(runId: string, parentRunId: string, ownReason?: string) {
    const record = await ended(runId);
    const message = ownReason
      ? `${withParent(parentRunId)}: ${ownReason}`
      : withParent(parentRunId);
    expect(record.status).toBe("cancelled");
    expect(record.error).toEqual({ message, parentRunId });
    const events = await listRunEvents({ runId });
    const finishedLines = events.filter((event) => event.key === "run:finished");
    expect(finishedLines.map((event) => event.message)).toEqual([`Run c${message.slice(1)}`]);
    // What the run page and the thread's card read: the reason, said once the run ends.
    const steps = await listRunSteps({ runId });
    const { plan: pinned, workflowTitle, children } = await getRunPlan({ run: record, steps });
    const view = toWireRunView({
      run: record,
      steps,
      events,
      plan: pinned,
      workflowTitle,
      children,
    });
    expect(view.run.error?.message).toBe(message);
    const timeline = buildTimeline(view);
    const going = snapshotOf({ ...view.run, status: "running", error: null }, timeline, Date.now());
    expect(runAnnouncements(going, snapshotOf(view.run, timeline, Date.now()))).toContain(
      `Run cancelled: ${message}`,
    );
    return record;
  }

  it("cancels the child a parent waits on, and the child's child, each naming its parent", async () => {
    const parentWorkflow = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: middle } }]),
    );
    const parent = await h.start(parentWorkflow);
    const child = childRunIdOf(parent.id, "sub");
    const grandchild = childRunIdOf(child, "inner");
    await reached(grandchild, "nap", "waiting");

    expect(await cancelRun({ userId: h.userId, runId: parent.id, client: h.client })).toEqual({
      cancelled: true,
      status: "cancelled",
    });
    const endedParent = await ended(parent.id);
    expect(endedParent.status).toBe("cancelled");
    expect(endedParent.error).toBeNull();
    const endedChild = await cancelledWith(child, parent.id);
    await cancelledWith(grandchild, child);

    // Cancelling again changes nothing: no second end, no second log line.
    expect(await cancelRun({ userId: h.userId, runId: parent.id, client: h.client })).toEqual({
      cancelled: false,
      status: "cancelled",
    });
    expect(await cancelRun({ userId: h.userId, runId: child, client: h.client })).toEqual({
      cancelled: false,
      status: "cancelled",
    });
    await new Promise((r) => setTimeout(r, 500));
    expect((await run(child)).finishedAt).toEqual(endedChild.finishedAt);
    await cancelledWith(child, parent.id);
  });

  it("cancels every child a loop of workflow.run items waits on", async () => {
    const parentWorkflow = await h.workflow(
      plan([
        { id: "list", action: "transform", input: { value: [1, 2] } },
        {
          id: "each",
          action: "workflow.run",
          after: ["list"],
          forEach: "steps.list.output",
          maxItems: 5,
          concurrency: 2,
          input: { workflow: napper },
        },
      ]),
    );
    const parent = await h.start(parentWorkflow);
    const items = [childRunIdOf(parent.id, "each#0"), childRunIdOf(parent.id, "each#1")];
    for (const item of items) await reached(item, "nap", "waiting");
    await cancelRun({ userId: h.userId, runId: parent.id, client: h.client });
    for (const item of items) await cancelledWith(item, parent.id);
  });

  it("leaves a child that already finished as it ended", async () => {
    const quick = await h.workflow(
      plan([{ id: "value", action: "transform", input: { value: 7 } }], { title: "Quick" }),
    );
    const parentWorkflow = await h.workflow(
      plan([
        { id: "done", action: "workflow.run", input: { workflow: quick } },
        { id: "slow", action: "workflow.run", input: { workflow: napper } },
        { ...NAP, after: ["done"] },
      ]),
    );
    const parent = await h.start(parentWorkflow);
    const finishedChild = childRunIdOf(parent.id, "done");
    const goingChild = childRunIdOf(parent.id, "slow");
    await reached(parent.id, "nap", "waiting");
    await reached(goingChild, "nap", "waiting");
    const before = await run(finishedChild);
    expect(before.status).toBe("succeeded");
    const eventsBefore = await listRunEvents({ runId: finishedChild });

    await cancelRun({ userId: h.userId, runId: parent.id, client: h.client });
    // The child still going ends with it (the same pass looks at both).
    await cancelledWith(goingChild, parent.id);
    const after = await run(finishedChild);
    expect(after).toEqual(before);
    expect(await listRunEvents({ runId: finishedChild })).toEqual(eventsBefore);
  });

  it("takes the children of the parents a bulk cancel stops", async () => {
    const parentWorkflow = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: napper } }]),
    );
    const parents = [await h.start(parentWorkflow), await h.start(parentWorkflow)];
    for (const parent of parents) await reached(childRunIdOf(parent.id, "sub"), "nap", "waiting");

    session.userId = h.userId;
    const response = await bulkRoute.POST(
      post({ action: "cancel", filter: { workflowId: parentWorkflow } }),
    );
    expect(response.status).toBe(202);
    expect((await response.json()).bulkAction.total).toBe(2);
    for (const parent of parents) {
      expect((await ended(parent.id)).status).toBe("cancelled");
      await cancelledWith(childRunIdOf(parent.id, "sub"), parent.id);
    }
  });

  it("cancels the child of a parent past its time limit, with the limit as the reason", async () => {
    const parentWorkflow = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: napper } }], {
        limits: { timeout: "2s" },
      }),
    );
    const parent = await h.start(parentWorkflow);
    const child = childRunIdOf(parent.id, "sub");
    await reached(child, "nap", "waiting");
    const endedParent = await ended(parent.id);
    expect(endedParent.status).toBe("failed");
    expect(endedParent.error).toMatchObject({ message: "Run exceeded its 2 s time limit" });
    await cancelledWith(child, parent.id, "Run exceeded its 2 s time limit");
  });

  it("cancels the child of a run a newer one replaced, with the replace as the reason", async () => {
    const parentWorkflow = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: napper } }], {
        limits: { singleton: "replace" },
      }),
    );
    const first = await h.start(parentWorkflow);
    const firstChild = childRunIdOf(first.id, "sub");
    await reached(firstChild, "nap", "waiting");
    const second = await h.start(parentWorkflow);
    const replacedBy = `Replaced by a newer run (${second.id}): one run at a time`;
    expect((await ended(first.id)).error).toEqual({ message: replacedBy });
    await cancelledWith(firstChild, first.id, replacedBy);
    // The newer run goes on with a child of its own, untouched.
    const secondChild = childRunIdOf(second.id, "sub");
    await reached(secondChild, "nap", "waiting");
    expect(ACTIVE_STATUSES).toContain((await run(secondChild)).status);
    await cancelRun({ userId: h.userId, runId: second.id, client: h.client });
    await cancelledWith(secondChild, second.id);
  });

  it("refuses another person's cancel of a parent, one run or in bulk, and leaves its child going", async () => {
    const parentWorkflow = await h.workflow(
      plan([{ id: "sub", action: "workflow.run", input: { workflow: napper } }]),
    );
    const parent = await h.start(parentWorkflow);
    const child = childRunIdOf(parent.id, "sub");
    await reached(child, "nap", "waiting");
    const other = await h.user();
    session.userId = other;

    // One run: the cancel route says it does not exist.
    const single = await cancelRoute.POST(post({}), ctx({ id: parent.id }));
    expect(single.status).toBe(404);
    await expect(cancelRun({ userId: other, runId: child, client: h.client })).rejects.toThrow(
      /does not exist or is not yours/,
    );
    // In bulk: the owner's workflow is not found, run ids are no filter at all.
    const byWorkflow = await bulkRoute.POST(
      post({ action: "cancel", filter: { workflowId: parentWorkflow } }),
    );
    expect(byWorkflow.status).toBe(404);
    const byIds = await bulkRoute.POST(
      post({ action: "cancel", filter: { runIds: [parent.id, child] } }),
    );
    expect(byIds.status).toBe(400);
    // The other person's own bulk cancel of everything going matches none of the owner's runs.
    await expect(
      createBulkAction({ userId: other, kind: "cancel", filter: {}, client: h.client }),
    ).rejects.toThrow(/No runs match/);

    await new Promise((r) => setTimeout(r, 1_000));
    expect(ACTIVE_STATUSES).toContain((await run(parent.id)).status);
    expect(ACTIVE_STATUSES).toContain((await run(child)).status);
    // The owner's cancel still works, and takes the child.
    await cancelRun({ userId: h.userId, runId: parent.id, client: h.client });
    await cancelledWith(child, parent.id);
  });
});
