// What the run card's timeline reads: `GET /api/runs/:id` carries the pinned plan's steps in
// run order, the workflow's title and child runs, and the records say what the card derives
// (when a retry is due, how many items a loop has, when a wait gives up), on a real engine.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { buildTimeline } from "@/lib/runs/timeline";
import type { WireRunView } from "@/lib/runs/wire";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();
const { runsRoute, runRoute, waitRoute } = await loadRunRoutes();

describe("the run view for the timeline", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  const read = async (runId: string) => {
    const response = await runRoute.GET(new Request("http://x"), ctx({ id: runId }));
    return { status: response.status, body: (await response.json()) as WireRunView };
  };

  beforeAll(async () => {
    other = await h.user();
  });

  it("lists the plan's steps in run order with the workflow's title, and records retries, loops and waits", async () => {
    session.userId = h.userId;
    const workflowId = await h.workflow(
      plan(
        [
          { id: "tell", action: "chat.post", title: "Tell", after: ["ask"], input: { text: "x" } },
          { id: "greet", action: "transform", title: "Greet", input: { value: "hi" } },
          {
            id: "flaky",
            action: "test.flaky",
            title: "Flaky call",
            after: ["greet"],
            retry: { attempts: 3, backoff: "fixed", delay: "100ms" },
            input: { key: `timeline-${Date.now()}`, failures: 1 },
          },
          {
            id: "never",
            action: "transform",
            after: ["greet"],
            if: "false",
            input: { value: 1 },
          },
          {
            id: "each",
            action: "transform",
            after: ["flaky"],
            forEach: "[1, 2, 3]",
            maxItems: 10,
            input: { value: "{{ item }}" },
          },
          {
            id: "ask",
            action: "wait.approval",
            after: ["each"],
            input: { prompt: "ok?", timeout: "1h" },
          },
        ],
        { title: "Timeline plan" },
      ),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();
    const waiting = await h.waitFor(async () => {
      const { body } = await read(run.id);
      return body.run.status === "waiting" ? body : undefined;
    }, "the run to wait");

    expect(waiting.workflowTitle).toBe("Timeline plan");
    expect(waiting.plan?.title).toBe("Timeline plan");
    expect(waiting.plan?.steps.map((s) => s.id)).toEqual([
      "greet",
      "flaky",
      "never",
      "each",
      "ask",
      "tell",
    ]);
    expect(waiting.plan?.steps[1]).toMatchObject({ title: "Flaky call", attempts: 3 });

    // The failed attempt says when the next one was due.
    const failed = waiting.steps.find((s) => s.stepId === "flaky" && s.attempt === 1);
    expect(failed?.status).toBe("failed");
    const due = Date.parse(failed?.error?.nextAttemptAt ?? "");
    expect(due - Date.parse(failed?.finishedAt ?? "")).toBe(100);
    // The loop's item count and the wait's deadline are in the log.
    expect(waiting.events.find((e) => e.message === "each runs for 3 items")?.data).toMatchObject({
      unitId: "each",
      items: 3,
    });
    const armed = waiting.events.find((e) => e.message === "ask waiting");
    const asked = waiting.steps.find((s) => s.stepId === "ask");
    expect(
      Date.parse((armed?.data as { deadline?: string } | undefined)?.deadline ?? "") -
        Date.parse(asked?.startedAt ?? ""),
    ).toBe(3_600_000);

    const timeline = buildTimeline(waiting);
    expect(timeline.steps.map((s) => [s.step.id, s.state])).toEqual([
      ["greet", "succeeded"],
      ["flaky", "succeeded"],
      ["never", "skipped"],
      ["each", "succeeded"],
      ["ask", "waiting"],
      ["tell", "pending"],
    ]);
    expect(timeline.steps.find((s) => s.step.id === "never")?.reason).toBe("condition was false");
    expect(timeline.steps.find((s) => s.step.id === "each")?.items).toMatchObject({
      total: 3,
      settled: 3,
    });
    expect(timeline.progress).toEqual({ settled: 4, total: 6 });

    await waitRoute.POST(post({ approved: true }), ctx({ id: run.id, stepId: "ask" }));
    await h.finished(run.id);
    const done = buildTimeline((await read(run.id)).body);
    expect(done.steps.every((s) => ["succeeded", "skipped"].includes(s.state))).toBe(true);
  });

  it("answers another person's run, and an anonymous caller, as the run route always has", async () => {
    session.userId = h.userId;
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }]),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: workflowId }))).json();
    session.userId = other;
    expect((await read(run.id)).status).toBe(404);
    session.userId = undefined;
    expect((await read(run.id)).status).toBe(401);
    session.userId = h.userId;
    await h.finished(run.id);
  });
});
