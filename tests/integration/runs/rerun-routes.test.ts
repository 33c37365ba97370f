// GET/POST /api/runs/:id/rerun as the browser calls them: the preview, starting a re-run, the
// run view's links both ways, and every refusal (anonymous, another person's run, malformed,
// oversized, unknown step, a run still going, too many re-runs).
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, loadRunRoutes, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const { runsRoute, runRoute } = await loadRunRoutes();
const rerunRoute = await import("@/app/api/runs/[id]/rerun/route");
const { resetRateLimits, setRateLimits } = await import("@/lib/rate-limit");
const { getMessages, getOrCreateThread } = await import("@/lib/db/queries");

const get = (query = "") => new Request(`http://app.test/api/runs/x/rerun${query}`);

describe("re-run routes", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });
  afterEach(() => resetRateLimits());

  /** A failed run of a→flaky→c (flaky fails once, then succeeds), as its owner. */
  async function failedRun(owner = h.userId, threadId?: string) {
    const key = `routes-${Date.now()}-${Math.random()}`;
    const workflowId = await h.workflow(
      plan(
        [
          {
            id: "a",
            action: "test.count",
            input: { key: `${key}:a`, value: "{{ trigger.inputs.n }}" },
          },
          { id: "flaky", action: "test.flaky", after: ["a"], input: { key, failures: 1 } },
          { id: "mail", action: "email.send", after: ["flaky"], if: "false", input: {} },
        ],
        { trigger: { type: "manual", inputs: { n: { type: "number", default: 1 } } } },
      ),
      owner,
    );
    session.userId = owner;
    const started = await runsRoute.POST(
      post(threadId ? { threadId } : {}),
      ctx({ id: workflowId }),
    );
    const { run } = await started.json();
    const source = await h.finished(run.id);
    expect(source.status).toBe("failed");
    return { source, key };
  }

  it("previews, starts the re-run with its card, and links the two runs both ways", async () => {
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Re-runs" });
    const { source, key } = await failedRun(h.userId, threadId);
    const preview = await rerunRoute.GET(
      get("?from=failed&version=pinned"),
      ctx({ id: source.id }),
    );
    expect(preview.status).toBe(200);
    const body = await preview.json();
    expect(body).toMatchObject({
      runId: source.id,
      from: "failed",
      fromStep: "flaky",
      version: "pinned",
      versions: { pinned: 1, target: 1 },
      diff: null,
      reused: ["a"],
      removed: [],
      trigger: { type: "manual", editable: "inputs", payload: { n: 1 }, inputsEdited: false },
    });
    expect(body.steps.map((s: { id: string; fate: string }) => [s.id, s.fate])).toEqual([
      ["a", "reused"],
      ["flaky", "runs"],
      ["mail", "runs"],
    ]);
    expect(body.steps[2].sideEffect).toEqual({ kind: "email", says: "sends the email again" });

    const response = await rerunRoute.POST(post({ from: "failed" }), ctx({ id: source.id }));
    expect(response.status).toBe(201);
    const started = await response.json();
    expect(started.run).toMatchObject({ rerunOfId: source.id, status: "queued" });
    expect(started.preview.reused).toEqual(["a"]);
    // Its live card is in the source's thread, like Run now's.
    expect(started.message.parts[0]).toMatchObject({
      type: "data-run",
      data: { runId: started.run.id },
    });
    const messages = await getMessages({ threadId });
    expect(messages.map((m) => m.id)).toContain(started.message.id);
    const rerun = await h.finished(started.run.id);
    expect(rerun.status).toBe("succeeded");
    expect(h.effects.counts.get(`${key}:a`)).toBe(1);

    const view = await (await runRoute.GET(new Request("http://x"), ctx({ id: rerun.id }))).json();
    expect(view.rerunOf).toEqual({
      runId: source.id,
      status: "failed",
      createdAt: source.createdAt.toISOString(),
    });
    expect(view.rerunAs).toEqual([]);
    expect(view.rerun).toEqual({
      from: "failed",
      version: "pinned",
      reused: ["a"],
      inputsEdited: false,
    });
    const stepA = view.steps.find((s: { stepId: string }) => s.stepId === "a");
    expect(stepA).toMatchObject({ status: "succeeded", reusedFrom: source.id });
    expect(view.events.map((e: { message: string }) => e.message)).toContain(
      `a reused the output of run ${source.id.slice(0, 8)}`,
    );
    const sourceView = await (
      await runRoute.GET(new Request("http://x"), ctx({ id: source.id }))
    ).json();
    expect(sourceView.rerunOf).toBeNull();
    expect(sourceView.rerunAs.map((r: { runId: string }) => r.runId)).toEqual([rerun.id]);
  });

  it("takes edited inputs, checked like Run now", async () => {
    const { source, key } = await failedRun();
    const bad = await rerunRoute.POST(post({ inputs: { n: "x" } }), ctx({ id: source.id }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/inputs do not fit/);
    const response = await rerunRoute.POST(post({ inputs: { n: 2 } }), ctx({ id: source.id }));
    expect(response.status).toBe(201);
    const { run, preview } = await response.json();
    expect(preview.trigger).toMatchObject({ payload: { n: 2 }, inputsEdited: true });
    expect(preview.reused).toEqual([]);
    expect((await h.finished(run.id)).status).toBe("succeeded");
    expect(h.effects.counts.get(`${key}:a`)).toBe(2);
  });

  it("refuses the anonymous, another person, malformed and oversized bodies, unknown steps, runs still going", async () => {
    const { source } = await failedRun();
    const id = ctx({ id: source.id });

    session.userId = undefined;
    expect((await rerunRoute.GET(get(), id)).status).toBe(401);
    expect((await rerunRoute.POST(post({}), id)).status).toBe(401);

    session.userId = other;
    expect((await rerunRoute.GET(get(), id)).status).toBe(404);
    expect((await rerunRoute.POST(post({}), id)).status).toBe(404);
    expect((await rerunRoute.POST(post({}), ctx({ id: "not-a-uuid" }))).status).toBe(404);

    session.userId = h.userId;
    for (const body of [{ from: 3 }, { version: "newest" }, { inputs: [1] }, { extra: true }]) {
      const response = await rerunRoute.POST(post(body), id);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("bad_request:run");
    }
    const notJson = await rerunRoute.POST(
      new Request("http://x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{nope",
      }),
      id,
    );
    expect(notJson.status).toBe(400);
    expect((await rerunRoute.GET(get("?version=newest"), id)).status).toBe(400);

    const huge = await rerunRoute.POST(post({ inputs: { n: "x".repeat(100_000) } }), id);
    expect(huge.status).toBe(413);

    const unknown = await rerunRoute.POST(post({ from: "nope" }), id);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/no step "nope"/);
    expect((await rerunRoute.GET(get("?from=nope"), id)).status).toBe(400);

    const waiting = await h.workflow(
      plan([{ id: "nap", action: "wait.delay", input: { duration: "1h" } }]),
    );
    const { run } = await (await runsRoute.POST(post({}), ctx({ id: waiting }))).json();
    const going = await rerunRoute.POST(post({}), ctx({ id: run.id }));
    expect(going.status).toBe(409);
    expect((await going.json()).error.message).toMatch(/has not ended yet/);
  });

  it("limits how many re-runs a person starts", async () => {
    // A person of its own: the count of the re-runs above is kept in the database.
    const { source } = await failedRun(await h.user());
    setRateLimits({ rerun: { points: 1, duration: 60 } });
    expect((await rerunRoute.POST(post({}), ctx({ id: source.id }))).status).toBe(201);
    const refused = await rerunRoute.POST(post({}), ctx({ id: source.id }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
  });
});
