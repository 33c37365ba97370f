// An open thread's one live stream (GET /api/threads/:id/events), as the thread page uses it:
// every run of the thread (started by a schedule, another request, …) and every message a
// workflow writes arrive on a stream that was open before they existed; a reconnect with the
// last id seen loses nothing; and one notification costs one read however many viewers.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  applyLiveEvent,
  type LiveRunEvent,
  type WireRun,
  type WireRunView,
  withRun,
} from "@/lib/runs/wire";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes, post } from "./run-routes";
import { type Frame, readFrames } from "./sse-frames";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();
const { runsRoute, runRoute, waitRoute } = await loadRunRoutes();
const threadEventsRoute = await import("@/app/api/threads/[id]/events/route");
const { getOrCreateThread, getMessages } = await import("@/lib/db/queries");
const { createWorkflow, approveWorkflowVersion, getWorkflow, setWorkflowNotify } = await import(
  "@/lib/db/workflow-queries"
);
const { postWorkflowMessage, updateWorkflowMessageData } = await import("@/lib/db/message-queries");
const { startScheduledRun } = await import("@/lib/runs/schedules");
const { runCardMessageId, runSummaryMessageId } = await import("@/lib/runs/thread-messages");
const { sharedReadCount } = await import("@/lib/runs/live-bus");
const { parseThreadCursor } = await import("@/lib/runs/thread-wire");

type Message = { id: string; parts: unknown; metadata?: unknown };
type MessageFrame = { seq: number; message: Message };

const runFrames = (frames: Frame[], runId: string) =>
  frames.filter(
    (f) =>
      (f.event === "run-event" && (f.data as LiveRunEvent).run.id === runId) ||
      (f.event === "run" && (f.data as WireRun).id === runId),
  );
const messageFrames = (frames: Frame[]) =>
  frames.filter((f) => f.event === "message").map((f) => f.data as MessageFrame);

/** What a run card does with the run's frames. */
function apply(view: WireRunView, frame: Frame): WireRunView {
  if (frame.event === "run-event") return applyLiveEvent(view, frame.data as LiveRunEvent);
  if (frame.event === "run") return withRun(view, frame.data as WireRun);
  return view;
}

/** What frames carry (the plan, title and log position come with the first read only). */
const comparable = (view: WireRunView) => ({
  run: view.run,
  events: view.events,
  steps: [...view.steps].sort((a, b) => a.id.localeCompare(b.id)),
});

describe.each(drivers)("thread live stream on %s", (driver) => {
  const h = harnessFor(driver, { port });
  let other: string;

  const readView = async (runId: string) =>
    (await (await runRoute.GET(new Request("http://x"), ctx({ id: runId }))).json()) as WireRunView;

  const request = (threadId: string, headers: Record<string, string> = {}, query = "") => {
    const controller = new AbortController();
    const response = threadEventsRoute.GET(
      new Request(`http://x/api/threads/${threadId}/events${query}`, {
        signal: controller.signal,
        headers,
      }),
      ctx({ id: threadId }),
    );
    return { response, controller };
  };

  /** Opens the thread's stream and waits until it listens (its `ready` frame). */
  const open = async (threadId: string, lastEventId?: string) => {
    const { response, controller } = request(
      threadId,
      lastEventId === undefined ? {} : { "last-event-id": lastEventId },
    );
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const stream = { ...readFrames(res.body as ReadableStream<Uint8Array>), controller };
    await h.waitFor(
      async () => (stream.frames.some((f) => f.event === "ready") ? true : undefined),
      "the stream to listen",
    );
    return stream;
  };

  const thread = async (userId = h.userId) => {
    const id = randomUUID();
    await getOrCreateThread({ id, userId, title: "Live" });
    return id;
  };

  /** An approved workflow whose home is `threadId` (its scheduled runs post there). */
  const workflowIn = async (threadId: string, steps: unknown[], userId = h.userId) => {
    const p = plan(steps);
    const { workflow, version } = await createWorkflow({
      userId,
      threadId,
      title: "Live digest",
      plan: p,
      author: "person",
    });
    await approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
    // Scheduled runs post their card and summary even when they succeed.
    await setWorkflowNotify({ id: workflow.id, userId, notify: "always" });
    return workflow.id;
  };

  beforeAll(async () => {
    other = await h.user();
  });

  it("brings runs a schedule and another request started, with their cards and summaries, to a stream opened before them", async () => {
    session.userId = h.userId;
    const threadId = await thread();
    const workflowId = await workflowIn(threadId, [
      { id: "greet", action: "transform", input: { value: "hi" } },
      { id: "nap", action: "test.sleep", after: ["greet"], input: { ms: 50 } },
    ]);
    const stream = await open(threadId);

    const workflow = await getWorkflow({ id: workflowId, userId: h.userId });
    const scheduled = await startScheduledRun(
      {
        workflowId,
        versionId: workflow?.activeVersionId as string,
        userId: h.userId,
        threadId,
        title: "Live digest",
        at: new Date(Date.now() - 60_000).toISOString(),
      },
      h.client,
    );
    const created = await runsRoute.POST(post({ threadId }), ctx({ id: workflowId }));
    expect(created.status).toBe(201);
    const { run: requested } = (await created.json()) as { run: { id: string } };
    const runIds = [scheduled, requested.id];

    const summaries = runIds.map(runSummaryMessageId);
    await h.waitFor(
      async () =>
        runIds.every((id) =>
          stream.frames.some(
            (f) => f.event === "run-end" && (f.data as { runId: string }).runId === id,
          ),
        ) && summaries.every((id) => messageFrames(stream.frames).some((m) => m.message.id === id))
          ? true
          : undefined,
      "both runs to end and post their summaries",
    );

    for (const runId of runIds) {
      // The stream followed each run from its first entry: its frames alone make its view.
      const stored = await readView(runId);
      const frames = runFrames(stream.frames, runId);
      const seqs = frames
        .filter((f) => f.event === "run-event")
        .map((f) => (f.data as LiveRunEvent).seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      const empty: WireRunView = { run: stored.run, steps: [], events: [] };
      expect(comparable(frames.reduce(apply, empty))).toEqual(comparable(stored));
      expect(stored.run.status).toBe("succeeded");
      const end = stream.frames.find(
        (f) => f.event === "run-end" && (f.data as { runId: string }).runId === runId,
      );
      expect(end?.data).toEqual({ runId, status: "succeeded" });
    }

    // Every message the runs wrote came as it was written, in order; a card comes again when
    // its run ends (it keeps the outcome), and the last frame of each is the message as stored.
    const sent = messageFrames(stream.frames);
    const stored = await getMessages({ threadId });
    expect([...new Set(sent.map((m) => m.message.id))].sort()).toEqual(
      stored.map((m) => m.id).sort(),
    );
    expect(sent.map((m) => m.message.id)).toEqual(
      expect.arrayContaining([...runIds.map(runCardMessageId), ...summaries]),
    );
    expect(sent.map((m) => m.seq)).toEqual(sent.map((_, i) => i + 1));
    for (const row of stored) {
      const last = sent.filter((m) => m.message.id === row.id).at(-1);
      expect(last?.message.parts).toEqual(row.parts);
      expect(last?.message.metadata).toEqual(row.metadata);
    }
    // Each id is a cursor; the last one names no run (both ended) and every message.
    for (const frame of stream.frames) {
      if (frame.id !== undefined) expect(parseThreadCursor(frame.id)).toBeDefined();
    }
    expect(stream.frames.at(-1)?.id).toBe(String(sent.length));
    await stream.leave();
  });

  it("resumes from Last-Event-ID with nothing lost: the run's later entries and every message written meanwhile", async () => {
    session.userId = h.userId;
    const threadId = await thread();
    const workflowId = await workflowIn(threadId, [
      { id: "greet", action: "transform", input: { value: "hi" } },
      {
        id: "ask",
        action: "wait.approval",
        after: ["greet"],
        input: { prompt: "ok?", timeout: "1h" },
      },
      { id: "after", action: "transform", after: ["ask"], input: { value: "done" } },
    ]);
    const first = await open(threadId);
    const created = await runsRoute.POST(post({ threadId }), ctx({ id: workflowId }));
    const { run } = (await created.json()) as { run: { id: string } };
    await h.waitFor(
      async () =>
        runFrames(first.frames, run.id).some(
          (f) => (f.data as LiveRunEvent).message === "ask waiting",
        )
          ? true
          : undefined,
      "the run to wait",
    );
    await first.leave();
    const lastId = first.frames.filter((f) => f.id !== undefined).at(-1)?.id as string;
    const cursor = parseThreadCursor(lastId);
    const seenSeq = runFrames(first.frames, run.id)
      .filter((f) => f.event === "run-event")
      .map((f) => (f.data as LiveRunEvent).seq)
      .at(-1) as number;
    // The cursor names the run (not ended) at the newest entry sent.
    expect(cursor?.runs.get(run.id)).toBe(seenSeq);

    // Away: the person answers, the run ends, a workflow posts and a batch message changes.
    const answered = await waitRoute.POST(
      post({ approved: true }),
      ctx({ id: run.id, stepId: "ask" }),
    );
    expect(answered.status, await answered.clone().text()).toBe(200);
    await h.finished(run.id);
    await postWorkflowMessage({
      userId: h.userId,
      threadId,
      messageId: `post_${randomUUID()}`,
      text: "Posted while away",
      metadata: { workflowId },
    });
    for (const n of [1, 2]) {
      await updateWorkflowMessageData<{ n: number }>({
        userId: h.userId,
        threadId,
        messageId: "batch_live",
        partType: "data-batch",
        initial: { n: 0 },
        update: () => ({ n }),
      });
    }
    await h.waitFor(
      async () =>
        (await getMessages({ threadId })).some((m) => m.id === runSummaryMessageId(run.id))
          ? true
          : undefined,
      "the summary",
    );

    const again = await open(threadId, lastId);
    await h.waitFor(
      async () =>
        again.frames.some((f) => f.event === "run-end") &&
        messageFrames(again.frames).some((m) => m.message.id === runSummaryMessageId(run.id))
          ? true
          : undefined,
      "the resumed stream to catch up",
    );
    const resumedSeqs = runFrames(again.frames, run.id)
      .filter((f) => f.event === "run-event")
      .map((f) => (f.data as LiveRunEvent).seq);
    expect(resumedSeqs[0]).toBe(seenSeq + 1);
    expect(resumedSeqs).toEqual(resumedSeqs.map((_, i) => seenSeq + 1 + i));
    const view = [...runFrames(first.frames, run.id), ...runFrames(again.frames, run.id)].reduce(
      apply,
      { run: (await readView(run.id)).run, steps: [], events: [] } as WireRunView,
    );
    expect(comparable(view)).toEqual(comparable(await readView(run.id)));

    // Both connections together hold every message as stored now, none sent twice across.
    const before = messageFrames(first.frames);
    const after = messageFrames(again.frames);
    expect(after.every((m) => m.seq > (cursor?.messages ?? 0))).toBe(true);
    const latest = new Map([...before, ...after].map((m) => [m.message.id, m.message]));
    const stored = await getMessages({ threadId });
    expect([...latest.keys()].sort()).toEqual(stored.map((m) => m.id).sort());
    for (const row of stored) expect(latest.get(row.id)?.parts).toEqual(row.parts);
    // The batch message changed twice while away: it comes once, as it is now.
    expect(after.filter((m) => m.message.id === "batch_live")).toHaveLength(1);
    expect(latest.get("batch_live")?.parts).toEqual([
      { type: "data-batch", id: "batch_live", data: { n: 2 } },
    ]);
    await again.leave();
  });

  it("reads each change once for all viewers in the process", async () => {
    session.userId = h.userId;
    const threadId = await thread();
    const workflowId = await workflowIn(threadId, [
      { id: "a", action: "transform", input: { value: 1 } },
      { id: "b", action: "transform", after: ["a"], input: { value: 2 } },
      { id: "c", action: "transform", after: ["b"], input: { value: 3 } },
    ]);
    const viewers = await Promise.all(Array.from({ length: 8 }, () => open(threadId)));
    const readsBefore = sharedReadCount();
    const created = await runsRoute.POST(post({ threadId }), ctx({ id: workflowId }));
    const { run } = (await created.json()) as { run: { id: string } };
    await h.waitFor(
      async () =>
        viewers.every(
          (v) =>
            v.frames.some((f) => f.event === "run-end") &&
            messageFrames(v.frames).some((m) => m.message.id === runSummaryMessageId(run.id)),
        )
          ? true
          : undefined,
      "every viewer to see the run end",
    );
    const reads = sharedReadCount() - readsBefore;
    const entries = runFrames(viewers[0].frames, run.id).length;
    const messages = messageFrames(viewers[0].frames).length;
    // Every viewer got everything…
    for (const v of viewers) {
      expect(runFrames(v.frames, run.id)).toEqual(runFrames(viewers[0].frames, run.id));
    }
    // …from about one read per change, where eight viewers reading alone would need eight.
    expect(entries).toBeGreaterThan(5);
    expect(reads).toBeLessThanOrEqual(entries + messages + 4);
    await Promise.all(viewers.map((v) => v.leave()));
  });

  it("answers 401 signed out, 404 for another person's thread or a malformed id, 400 for a malformed Last-Event-ID, and ignores runs a cursor names that are not the thread's", async () => {
    session.userId = h.userId;
    const threadId = await thread();
    session.userId = undefined;
    expect((await request(threadId).response).status).toBe(401);

    session.userId = other;
    const foreign = await request(threadId).response;
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe("not_found:thread");
    session.userId = h.userId;
    expect((await request("not-a-thread").response).status).toBe(404);
    expect((await request(randomUUID()).response).status).toBe(404);

    for (const bad of ["abc", "-1", "1,nope:2", `1,${randomUUID()}:x`, "9".repeat(20)]) {
      const res = await request(threadId, { "last-event-id": bad }).response;
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error.code).toBe("bad_request:thread");
    }
    expect((await request(threadId, {}, "?after=1;drop").response).status).toBe(400);

    // Another person's run, named in a cursor for my thread, never reaches me, however it
    // changes while my stream is open.
    const { createRun, appendRunEvent } = await import("@/lib/db/run-queries");
    const theirThread = await thread(other);
    const theirWorkflow = await workflowIn(
      theirThread,
      [{ id: "greet", action: "transform", input: { value: "hi" } }],
      other,
    );
    const theirVersion = (await getWorkflow({ id: theirWorkflow, userId: other }))
      ?.activeVersionId as string;
    const theirRun = await createRun({
      workflowId: theirWorkflow,
      versionId: theirVersion,
      userId: other,
      threadId: theirThread,
      trigger: { type: "manual" },
    });
    session.userId = h.userId;
    const mine = await open(threadId, `0,${theirRun.id}:0`);
    for (const n of [1, 2, 3]) {
      await appendRunEvent({ runId: theirRun.id, key: `note:${n}`, message: `note ${n}` });
    }
    await postWorkflowMessage({
      userId: other,
      threadId: theirThread,
      messageId: `post_${randomUUID()}`,
      text: "Theirs",
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(mine.frames.filter((f) => f.event !== "ready")).toEqual([]);
    await mine.leave();

    // A loop reopening streams is refused (429 with Retry-After) like other public routes.
    const { setRateLimits, resetRateLimits } = await import("@/lib/rate-limit");
    setRateLimits({ live: { points: 1, duration: 60 } });
    try {
      const refused = await request(threadId).response;
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await refused.json()).error.code).toBe("rate_limit:run");
    } finally {
      resetRateLimits();
    }
  });
});
