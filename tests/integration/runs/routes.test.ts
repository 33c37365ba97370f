// The run routes as the browser calls them: start, read, history, SSE, cancel, approvals —
// each answering 404 for another person's run or workflow.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const { runsRoute, runRoute, cancelRoute, eventsRoute, waitRoute } = await loadRunRoutes();

describe("run routes", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });

  it("starts a run with checked inputs, shows it to its owner only, and streams its events", async () => {
    const workflowId = await h.workflow(
      plan(
        [
          { id: "greet", action: "transform", input: { value: "hi {{ trigger.inputs.name }}" } },
          {
            id: "ask",
            action: "wait.approval",
            after: ["greet"],
            input: { prompt: "ok?", timeout: "1m" },
          },
        ],
        { trigger: { type: "manual", inputs: { name: { type: "string" } } } },
      ),
    );
    session.userId = h.userId;
    const bad = await runsRoute.POST(post({ inputs: { name: 3 } }), ctx({ id: workflowId }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("bad_request:run");

    const started = await runsRoute.POST(
      post({ inputs: { name: "Ada" } }),
      ctx({ id: workflowId }),
    );
    expect(started.status).toBe(201);
    const { run } = await started.json();
    expect(run.status).toBe("queued");

    // Another person sees nothing.
    session.userId = other;
    expect((await runRoute.GET(new Request("http://x"), ctx({ id: run.id }))).status).toBe(404);
    expect((await runsRoute.GET(new Request("http://x"), ctx({ id: workflowId }))).status).toBe(
      404,
    );
    expect((await eventsRoute.GET(new Request("http://x"), ctx({ id: run.id }))).status).toBe(404);
    expect((await cancelRoute.POST(new Request("http://x"), ctx({ id: run.id }))).status).toBe(404);
    expect(
      (await waitRoute.POST(post({ approved: true }), ctx({ id: run.id, stepId: "ask" }))).status,
    ).toBe(404);
    expect((await runRoute.GET(new Request("http://x"), ctx({ id: "nope" }))).status).toBe(404);

    session.userId = h.userId;
    await h.waitFor(async () => {
      const view = await (await runRoute.GET(new Request("http://x"), ctx({ id: run.id }))).json();
      return view.run.status === "waiting" ? view : undefined;
    }, "the run to wait");

    // SSE: everything so far, then live events until the end.
    const controller = new AbortController();
    const stream = await eventsRoute.GET(
      new Request("http://x", { signal: controller.signal, headers: { "last-event-id": "1" } }),
      ctx({ id: run.id }),
    );
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value);
      }
    })();
    await h.waitFor(async () => (text.includes("ask waiting") ? true : undefined), "sse backlog");
    expect(text).not.toContain("id: 1\n");
    const answered = await waitRoute.POST(
      post({ approved: true }),
      ctx({ id: run.id, stepId: "ask" }),
    );
    expect(await answered.json()).toMatchObject({ accepted: true, duplicate: false });
    await reading;
    expect(text).toContain("Run succeeded");
    expect(text).toMatch(/event: end\ndata: \{"status":"succeeded"\}/);

    const history = await (
      await runsRoute.GET(new Request("http://x"), ctx({ id: workflowId }))
    ).json();
    expect(history.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const view = await (await runRoute.GET(new Request("http://x"), ctx({ id: run.id }))).json();
    expect(view.steps.map((s: { stepId: string }) => s.stepId).sort()).toEqual(["ask", "greet"]);
    expect(view.events.length).toBeGreaterThan(4);
  });

  it("cancels a waiting run through the route", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "nap", action: "wait.delay", input: { duration: "1h" } }]),
    );
    session.userId = h.userId;
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();
    await h.waitFor(async () => {
      const view = await (await runRoute.GET(new Request("http://x"), ctx({ id: run.id }))).json();
      return view.run.status === "waiting" ? true : undefined;
    }, "the run to wait");
    const cancelled = await cancelRoute.POST(new Request("http://x"), ctx({ id: run.id }));
    expect(await cancelled.json()).toEqual({ cancelled: true, status: "cancelled" });
    const again = await cancelRoute.POST(new Request("http://x"), ctx({ id: run.id }));
    expect(await again.json()).toEqual({ cancelled: false, status: "cancelled" });
  });

  it("posts a live run card into the thread when it starts and a summary when it ends", async () => {
    const { getMessages, getOrCreateThread } = await import("@/lib/db/queries");
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Runs here" });
    const workflowId = await h.workflow(
      plan([{ id: "greet", action: "transform", input: { value: "hello" } }]),
    );
    session.userId = h.userId;
    const started = await runsRoute.POST(post({ threadId }), ctx({ id: workflowId }));
    expect(started.status).toBe(201);
    const { run, message } = await started.json();
    expect(message).toMatchObject({
      id: `run_${run.id}_card`,
      role: "assistant",
      parts: [{ type: "data-run", data: { runId: run.id, workflowId } }],
    });
    const summary = await h.waitFor(async () => {
      const rows = await getMessages({ threadId });
      return rows.find((m) => m.id === `run_${run.id}_summary`);
    }, "the run summary in the thread");
    expect(JSON.stringify(summary.parts)).toMatch(/the run succeeded in .* \(1 step ran\)/);
    const ids = (await getMessages({ threadId })).map((m) => m.id);
    expect(ids).toEqual([`run_${run.id}_card`, `run_${run.id}_summary`]);
  });

  it("records a run the engine could not be asked to start as failed, with its last entry", async () => {
    const { startRun } = await import("@/lib/runs/start-run");
    const { getRunById, listRecentRuns, listRunEvents } = await import("@/lib/db/run-queries");
    const workflowId = await h.workflow(
      plan([{ id: "greet", action: "transform", input: { value: "hello" } }]),
    );
    const unreachable = {
      send: async () => {
        throw new Error("fetch failed");
      },
    } as never;
    await expect(
      startRun({ userId: h.userId, workflowId, client: unreachable }),
    ).rejects.toMatchObject({
      code: "unavailable:run",
    });
    const [{ run }] = await listRecentRuns({ userId: h.userId, workflowId, limit: 1 });
    expect((await getRunById({ runId: run.id }))?.status).toBe("failed");
    const events = await listRunEvents({ runId: run.id });
    expect(events.at(-1)?.message).toBe(
      "Run failed: The workflow engine could not be reached; the run did not start.",
    );
  });
});
