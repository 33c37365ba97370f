// The live run stream as the run card uses it: read the run once, then apply each frame of
// `GET /api/runs/:id/events` (lib/runs/wire.ts) without reading the run again. The applied view
// must equal the run read afresh, while it runs, after a reconnect and at the end.
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  applyLiveEvent,
  type LiveRunEvent,
  lastSeq,
  type WireRun,
  type WireRunView,
  withRun,
} from "@/lib/runs/wire";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes, post } from "./run-routes";
import { type Frame, readFrames } from "./sse-frames";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const { runsRoute, runRoute, eventsRoute, waitRoute } = await loadRunRoutes();
const { runEventStream } = await import("@/lib/runs/live");

/** What the card does with a frame. */
function apply(view: WireRunView, frame: Frame): WireRunView {
  if (frame.event === "run-event") return applyLiveEvent(view, frame.data as LiveRunEvent);
  if (frame.event === "run") return withRun(view, frame.data as WireRun);
  return view;
}

/** Steps in a fixed order: the card sorts them itself. */
/**
 * What frames change: the run, its attempts and its log (the plan and the log's position come
 * with the card's one read and stay as read).
 */
const comparable = (view: WireRunView) => ({
  run: view.run,
  events: view.events,
  steps: [...view.steps].sort((a, b) => a.id.localeCompare(b.id)),
});

const runEvents = (frames: Frame[]) =>
  frames.filter((f) => f.event === "run-event").map((f) => f.data as LiveRunEvent);

describe("live run stream", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  const readView = async (runId: string) =>
    (await (await runRoute.GET(new Request("http://x"), ctx({ id: runId }))).json()) as WireRunView;
  const openStream = async (runId: string, init: { after?: number; lastEventId?: number }) => {
    const controller = new AbortController();
    const url = `http://x/api/runs/${runId}/events${init.after === undefined ? "" : `?after=${init.after}`}`;
    const response = await eventsRoute.GET(
      new Request(url, {
        signal: controller.signal,
        headers:
          init.lastEventId === undefined ? {} : { "last-event-id": String(init.lastEventId) },
      }),
      ctx({ id: runId }),
    );
    expect(response.status).toBe(200);
    return { ...readFrames(response.body as ReadableStream<Uint8Array>), controller };
  };

  beforeAll(async () => {
    other = await h.user();
  });

  // A run with a retry, a loop and an approval, read and streamed twice: slow on a loaded
  // 2-core machine, so more than the default minute.
  it("carries in each frame the run and the step attempts it changed, so the view applied frame by frame equals the run read again, across a reconnect", async () => {
    session.userId = h.userId;
    const workflowId = await h.workflow(
      plan([
        { id: "greet", action: "transform", input: { value: "hi" } },
        {
          id: "flaky",
          action: "test.flaky",
          after: ["greet"],
          retry: { attempts: 2, backoff: "none" },
          input: { key: `live-${Date.now()}`, failures: 1 },
        },
        {
          id: "each",
          action: "transform",
          after: ["flaky"],
          forEach: "[1, 2]",
          maxItems: 10,
          input: { value: "{{ item * 10 }}" },
        },
        {
          id: "ask",
          action: "wait.approval",
          after: ["each"],
          input: { prompt: "ok?", timeout: "1m" },
        },
      ]),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();

    // The card's one read, then the stream after the newest entry it holds.
    let view = await readView(run.id);
    const first = await openStream(run.id, { after: lastSeq(view) });
    await h.waitFor(async () => {
      const applied = first.frames.reduce(apply, view);
      return applied.run.status === "waiting" &&
        JSON.stringify(comparable(applied)) === JSON.stringify(comparable(await readView(run.id)))
        ? true
        : undefined;
    }, "the applied view to reach the waiting run");
    first.controller.abort();
    await first.ended;
    view = first.frames.reduce(apply, view);

    // Every frame says what it changed: status and step rows, never a reason to read again.
    const events = runEvents(first.frames);
    expect(events.map((e) => e.seq)).toEqual(
      Array.from({ length: events.length }, (_, i) => events[0].seq + i),
    );
    const flaky = events.find((e) => e.message === "flaky succeeded");
    // The run as read after the entry: still going (how far depends on when it was read).
    expect(["running", "waiting"]).toContain(flaky?.run.status);
    expect(flaky?.steps.map((s) => [s.stepId, s.attempt, s.status])).toEqual([
      ["flaky", 1, "failed"],
      ["flaky", 2, "succeeded"],
    ]);
    expect(flaky?.steps[0].error?.message).toBe("failure 1");
    expect(flaky?.steps[1]).toMatchObject({ output: { n: 2, attempt: 2 } });
    expect(typeof flaky?.steps[1].durationMs).toBe("number");
    const item = events.find((e) => e.message === "each#1 succeeded");
    expect(item?.steps).toEqual([
      expect.objectContaining({ stepId: "each", iteration: 1, status: "succeeded", output: 20 }),
    ]);
    const waiting = events.find((e) => e.message === "ask waiting");
    expect(waiting?.steps).toEqual([
      expect.objectContaining({
        stepId: "ask",
        status: "waiting",
        input: expect.objectContaining({ prompt: "ok?" }),
      }),
    ]);
    // Entries about the run itself carry no steps.
    for (const event of events.filter((e) => e.stepId === null)) expect(event.steps).toEqual([]);
    // The run turns to waiting after the entry; that change arrives as a run frame or in a
    // later entry, and the applied view shows it.
    expect(view.run.status).toBe("waiting");
    expect(view.run.startedAt).toEqual(expect.any(String));

    // The answer lands while the card is away; it comes back with the last id it saw.
    const lastId = Number(first.frames.filter((f) => f.id !== undefined).at(-1)?.id);
    expect(lastId).toBe(lastSeq(view));
    const answered = await waitRoute.POST(
      post({ approved: true }),
      ctx({ id: run.id, stepId: "ask" }),
    );
    expect(answered.status).toBe(200);
    await h.finished(run.id);
    const again = await openStream(run.id, { after: 0, lastEventId: lastId });
    await again.ended;
    const resumed = runEvents(again.frames);
    expect(resumed[0].seq).toBe(lastId + 1);
    expect(resumed.every((e) => e.seq > lastId)).toBe(true);
    expect(again.frames.at(-1)).toEqual({ event: "end", data: { status: "succeeded" } });
    view = again.frames.reduce(apply, view);
    expect(comparable(view)).toEqual(comparable(await readView(run.id)));
    expect(view.events.at(-1)?.message).toBe("Run succeeded");
    expect(view.steps.find((s) => s.stepId === "ask")).toMatchObject({
      status: "succeeded",
      output: expect.objectContaining({ approved: true }),
    });
  }, 120_000);

  it("ends at once for a finished run whose view is complete, and replays everything to a view that holds nothing", async () => {
    session.userId = h.userId;
    const workflowId = await h.workflow(
      plan([{ id: "greet", action: "transform", input: { value: "hello" } }]),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();
    await h.finished(run.id);
    await h.waitFor(
      async () =>
        (await readView(run.id)).events.at(-1)?.message === "Run succeeded" ? true : undefined,
      "the last entry",
    );
    const view = await readView(run.id);

    // A grace far beyond the test's patience: ending at once must not depend on it.
    const started = Date.now();
    const upToDate = readFrames(
      runEventStream({ runId: run.id, afterSeq: lastSeq(view), finishGraceMs: 120_000 }),
    );
    await upToDate.ended;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(upToDate.frames.map((f) => f.event)).toEqual(["run", "end"]);
    expect(upToDate.frames.reduce(apply, view)).toEqual(view);

    // The view as first read holds the plan too (it never changes); the stream brings the rest.
    const empty: WireRunView = { ...view, steps: [], events: [] };
    const everything = await openStream(run.id, {});
    await everything.ended;
    expect(comparable(everything.frames.reduce(apply, empty))).toEqual(comparable(view));
  });

  it("ends after a short grace for a run that ended without its last entry (it never started)", async () => {
    const { createRun, finishRun } = await import("@/lib/db/run-queries");
    const { getWorkflow } = await import("@/lib/db/workflow-queries");
    const workflowId = await h.workflow(plan([{ id: "a", action: "transform", input: {} }]));
    const workflow = await getWorkflow({ id: workflowId, userId: h.userId });
    const run = await createRun({
      workflowId,
      versionId: workflow?.activeVersionId as string,
      userId: h.userId,
      trigger: { type: "manual" },
    });
    await finishRun({ runId: run.id, status: "failed", error: { message: "engine away" } });
    const stream = readFrames(runEventStream({ runId: run.id, afterSeq: 1, finishGraceMs: 50 }));
    await stream.ended;
    expect(stream.frames).toEqual([
      {
        event: "run",
        data: expect.objectContaining({ status: "failed", error: { message: "engine away" } }),
      },
      { event: "end", data: { status: "failed" } },
    ]);
  });

  it("answers 404 for another person's run and for a malformed id, 401 when signed out", async () => {
    session.userId = h.userId;
    const workflowId = await h.workflow(
      plan([{ id: "greet", action: "transform", input: { value: "hello" } }]),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();
    session.userId = other;
    const foreign = await eventsRoute.GET(new Request("http://x"), ctx({ id: run.id }));
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).error.code).toBe("not_found:run");
    expect((await eventsRoute.GET(new Request("http://x"), ctx({ id: "nope" }))).status).toBe(404);
    session.userId = undefined;
    expect((await eventsRoute.GET(new Request("http://x"), ctx({ id: run.id }))).status).toBe(401);
    session.userId = h.userId;
    await h.finished(run.id);
  });
});
