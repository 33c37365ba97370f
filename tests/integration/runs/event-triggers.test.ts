// Event triggers: a run's end starts the same person's workflows that listen for it, when
// their condition holds — never the workflow itself, never another person's — and ends the
// armed wait.event steps that listen for it when their match holds. Every name in the catalog
// (lib/plan/events.ts) is really emitted: a run's end and failure, a person's chat message.
import { describe, expect, it } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

describe("event triggers", () => {
  const h = harnessFor("pglite", { port });

  it("starts the workflows whose condition holds when a run fails", async () => {
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const digest = await h.workflow(
      plan([
        { id: "boom", action: "test.fail", input: { message: "upstream down", retriable: false } },
      ]),
    );
    const onFailure = (status: string) =>
      plan([{ id: "note", action: "transform", input: { value: "{{ trigger.data.status }}" } }], {
        trigger: {
          type: "event",
          event: "workflow/run.finished",
          if: `trigger.data.status = "${status}" and trigger.data.workflowId = "${digest}"`,
        },
      });
    const alert = await h.workflow(onFailure("failed"));
    const cheer = await h.workflow(onFailure("succeeded"));
    const stranger = await h.workflow(onFailure("failed"), await h.user());

    const run = await h.start(digest);
    expect((await h.finished(run.id)).status).toBe("failed");

    const started = await h.waitFor(async () => {
      const rows = await listRecentRuns({ userId: h.userId, workflowId: alert });
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the alert workflow to start");
    const finished = await h.finished(started.id);
    expect(finished.status).toBe("succeeded");
    expect(finished.trigger).toMatchObject({
      type: "event",
      name: "workflow/run.finished",
      data: { runId: run.id, status: "failed" },
    });

    // The alert's own end is an event too; give it time to (not) start anything else.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await listRecentRuns({ userId: h.userId, workflowId: cheer })).toHaveLength(0);
    expect((await listRecentRuns({ userId: h.userId, workflowId: alert })).length).toBe(1);
    const strangerRuns = await h.database.db.query.runs.findMany({
      where: (runs, { eq }) => eq(runs.workflowId, stranger),
    });
    expect(strangerRuns).toHaveLength(0);
  });

  it("ends a wait.event when the named app event arrives and its match holds", async () => {
    const { getRunById } = await import("@/lib/db/run-queries");
    const quiet = await h.workflow(plan([{ id: "a", action: "transform", input: { value: 1 } }]));
    const awaited = await h.workflow(plan([{ id: "b", action: "transform", input: { value: 2 } }]));
    // The match reads an earlier step's output, so it needs that step's scope long after.
    const watcher = await h.workflow(
      plan([
        { id: "pick", action: "transform", input: { value: awaited } },
        {
          id: "hold",
          action: "wait.event",
          after: ["pick"],
          input: {
            event: "workflow/run.finished",
            match: 'event.data.workflowId = steps.pick.output and event.data.status = "succeeded"',
            timeout: "5m",
          },
        },
        {
          id: "got",
          action: "transform",
          after: ["hold"],
          input: { value: "{{ steps.hold.output }}" },
        },
      ]),
    );
    const run = await h.start(watcher);
    await h.waitFor(
      async () => ((await getRunById({ runId: run.id }))?.status === "waiting" ? true : undefined),
      "the watcher to wait",
    );

    // Another workflow's end does not match; the wait goes on.
    expect((await h.finished((await h.start(quiet)).id)).status).toBe("succeeded");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await getRunById({ runId: run.id }))?.status).toBe("waiting");

    const awaitedRun = await h.start(awaited);
    expect((await h.finished(awaitedRun.id)).status).toBe("succeeded");
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toMatchObject({
      timedOut: false,
      via: "event",
      payload: {
        name: "workflow/run.finished",
        data: { runId: awaitedRun.id, workflowId: awaited, status: "succeeded" },
      },
    });
  });
  it("starts a workflow on workflow/run.failed when a run fails, and not when one succeeds", async () => {
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const failing = await h.workflow(
      plan([
        { id: "boom", action: "test.fail", input: { message: "disk full", retriable: false } },
      ]),
    );
    const fine = await h.workflow(plan([{ id: "ok", action: "transform", input: { value: 1 } }]));
    const onFailed = await h.workflow(
      plan(
        [{ id: "why", action: "transform", input: { value: "{{ trigger.data.error.message }}" } }],
        { trigger: { type: "event", event: "workflow/run.failed" } },
      ),
    );

    expect((await h.finished((await h.start(fine)).id)).status).toBe("succeeded");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await listRecentRuns({ userId: h.userId, workflowId: onFailed })).toHaveLength(0);

    const run = await h.start(failing);
    expect((await h.finished(run.id)).status).toBe("failed");
    const started = await h.waitFor(async () => {
      const rows = await listRecentRuns({ userId: h.userId, workflowId: onFailed });
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the run.failed workflow to start");
    const finished = await h.finished(started.id);
    expect(finished.status).toBe("succeeded");
    expect(finished.trigger).toMatchObject({
      type: "event",
      name: "workflow/run.failed",
      data: { runId: run.id, workflowId: failing, status: "failed" },
    });
    expect(finished.output).toEqual(expect.stringContaining("disk full"));
  });

  it("starts a workflow on thread/message.posted when the person writes, if its condition holds", async () => {
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const { announceMessagePosted } = await import("@/lib/runs/app-events");
    const threadId = crypto.randomUUID();
    // Nobody listens yet: nothing is sent.
    expect(
      await announceMessagePosted(
        { userId: h.userId, threadId, messageId: "m0", text: "remind me" },
        h.client,
      ),
    ).toBe(false);
    const reminder = await h.workflow(
      plan([{ id: "echo", action: "transform", input: { value: "{{ trigger.data.text }}" } }], {
        trigger: {
          type: "event",
          event: "thread/message.posted",
          if: '$contains($lowercase(trigger.data.text), "remind")',
        },
      }),
    );
    const stranger = await h.user();
    expect(
      await announceMessagePosted(
        { userId: stranger, threadId, messageId: "m1", text: "remind me" },
        h.client,
      ),
    ).toBe(false);
    expect(
      await announceMessagePosted(
        { userId: h.userId, threadId, messageId: "m2", text: "hello there" },
        h.client,
      ),
    ).toBe(true);
    expect(
      await announceMessagePosted(
        { userId: h.userId, threadId, messageId: "m3", text: "Remind me to call Ana" },
        h.client,
      ),
    ).toBe(true);
    const started = await h.waitFor(async () => {
      const rows = await listRecentRuns({ userId: h.userId, workflowId: reminder });
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the message workflow to start");
    const finished = await h.finished(started.id);
    expect(finished.trigger).toMatchObject({
      type: "event",
      name: "thread/message.posted",
      data: { threadId, messageId: "m3", text: "Remind me to call Ana", userId: h.userId },
    });
    expect(finished.output).toBe("Remind me to call Ana");
    // "hello there" did not hold the condition: one run only.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await listRecentRuns({ userId: h.userId, workflowId: reminder })).toHaveLength(1);
  });

  it("announces a message before the reply, waiting a hung engine only so long", async () => {
    const { announceBeforeReply } = await import("@/lib/runs/app-events");
    const sent: unknown[] = [];
    const prompt = {
      send: async (event: unknown) => {
        sent.push(event);
        return { ids: ["x"] };
      },
    };
    const hung = { send: () => new Promise<never>(() => {}) };
    const message = {
      userId: h.userId,
      threadId: crypto.randomUUID(),
      messageId: "w1",
      text: "hi",
    };
    // The workflow of the test above listens: the event is sent before the call returns.
    expect(await announceBeforeReply(message, { client: prompt as never })).toBe(true);
    expect(sent).toHaveLength(1);
    const started = performance.now();
    expect(await announceBeforeReply(message, { client: hung as never, waitMs: 300 })).toBe(false);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2000);
  });
});
