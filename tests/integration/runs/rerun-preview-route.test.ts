// POST /api/runs/:id/rerun/preview: the re-run panel's preview once the person edited the
// inputs — which steps still reuse their output, whether the inputs fit — with nothing started,
// and every refusal (anonymous, another person's run, malformed, oversized, unknown step).
import { beforeAll, describe, expect, it, vi } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";
import { ctx, post } from "./run-routes";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const port = await appClientPort();

const previewRoute = await import("@/app/api/runs/[id]/rerun/preview/route");
const runQueries = await import("@/lib/db/run-queries");

describe("the re-run preview with edited inputs", () => {
  const h = harnessFor("pglite", { port });
  let other: string;
  beforeAll(async () => {
    other = await h.user();
  });

  /** A failed run of a (reads nothing) → b (reads the trigger) → flaky (fails once). */
  async function failedRun() {
    const key = `preview-${crypto.randomUUID()}`;
    const workflowId = await h.workflow(
      plan(
        [
          { id: "a", action: "test.count", input: { key: `${key}:a` } },
          {
            id: "b",
            action: "test.count",
            after: ["a"],
            input: { key: `${key}:b`, value: "{{ trigger.inputs.n }}" },
          },
          { id: "flaky", action: "test.flaky", after: ["b"], input: { key, failures: 1 } },
        ],
        { trigger: { type: "manual", inputs: { n: { type: "number", default: 1 } } } },
      ),
    );
    const source = await h.finished((await h.start(workflowId)).id);
    expect(source.status).toBe("failed");
    session.userId = h.userId;
    return { source, workflowId };
  }

  it("runs again the steps that read the edited inputs, and starts nothing", async () => {
    const { source, workflowId } = await failedRun();

    const same = await previewRoute.POST(post({ from: "failed" }), ctx({ id: source.id }));
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({
      fromStep: "flaky",
      reused: ["a", "b"],
      trigger: { payload: { n: 1 }, inputsEdited: false },
    });

    const edited = await previewRoute.POST(
      post({ from: "failed", version: "pinned", inputs: { n: 5 } }),
      ctx({ id: source.id }),
    );
    expect(edited.status).toBe(200);
    const body = await edited.json();
    expect(body.reused).toEqual(["a"]);
    expect(body.trigger).toEqual({
      type: "manual",
      editable: "inputs",
      payload: { n: 5 },
      inputsEdited: true,
    });
    expect(body.steps.find((s: { id: string }) => s.id === "b")).toMatchObject({
      fate: "runs",
      reason: "reads the trigger, whose inputs were edited",
    });
    expect(await runQueries.listRunsForWorkflow({ workflowId, userId: h.userId })).toHaveLength(1);
  });

  it("says when the edited inputs do not fit the workflow", async () => {
    const { source } = await failedRun();
    const response = await previewRoute.POST(
      post({ inputs: { n: "five" } }),
      ctx({ id: source.id }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/inputs do not fit/);
  });

  it("refuses the anonymous, another person, malformed and oversized bodies, unknown steps", async () => {
    const { source } = await failedRun();
    const id = ctx({ id: source.id });

    session.userId = undefined;
    expect((await previewRoute.POST(post({}), id)).status).toBe(401);

    session.userId = other;
    expect((await previewRoute.POST(post({}), id)).status).toBe(404);
    expect((await previewRoute.POST(post({}), ctx({ id: "not-a-uuid" }))).status).toBe(404);
    expect((await previewRoute.POST(post({}), ctx({ id: crypto.randomUUID() }))).status).toBe(404);

    session.userId = h.userId;
    for (const body of [{ from: 3 }, { version: "newest" }, { inputs: [1] }, { extra: true }]) {
      const response = await previewRoute.POST(post(body), id);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("bad_request:run");
    }
    const notJson = await previewRoute.POST(
      new Request("http://x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{nope",
      }),
      id,
    );
    expect(notJson.status).toBe(400);

    const huge = await previewRoute.POST(post({ inputs: { n: "x".repeat(100_000) } }), id);
    expect(huge.status).toBe(413);

    const unknown = await previewRoute.POST(post({ from: "nope" }), id);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/no step "nope"/);
  });
});
