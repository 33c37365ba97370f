// Webhook triggers: the workflow's URL starts a run with the request in scope; a forged or
// unknown token, a paused workflow and a non-webhook workflow are refused.
import { describe, expect, it, onTestFinished } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const hooks = await import("@/app/api/hooks/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const ctx = (token: string) => ({ params: Promise.resolve({ token }) }) as never;

describe("webhook triggers", () => {
  const h = harnessFor("pglite", { port });

  it("starts a run with the request's body, query and headers, without credentials", async () => {
    const workflowId = await h.workflow(
      plan(
        [
          {
            id: "echo",
            action: "transform",
            input: { value: "{{ trigger.body.order.id }}-{{ trigger.query.source }}" },
          },
        ],
        { trigger: { type: "webhook" } },
      ),
    );
    const response = await hooks.POST(
      new Request(`http://app.test/api/hooks/x?source=shop`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer hunter2" },
        body: JSON.stringify({ order: { id: 42 } }),
      }),
      ctx(webhookToken(workflowId)),
    );
    expect(response.status).toBe(202);
    const { runId } = await response.json();
    const run = await h.finished(runId);
    expect(run.status).toBe("succeeded");
    const trigger = run.trigger as { headers: Record<string, string>; method: string };
    expect(trigger.method).toBe("POST");
    expect(trigger.headers.authorization).toBeUndefined();
    const { listRunSteps } = await import("@/lib/db/run-queries");
    const [step] = await listRunSteps({ runId });
    expect(step.output).toBe("42-shop");
  });

  it("refuses forged tokens and workflows that do not listen for webhooks", async () => {
    const manual = await h.workflow(plan([{ id: "a", action: "transform", input: { value: 1 } }]));
    const forged = `${manual}.${"A".repeat(43)}`;
    for (const token of [forged, "nonsense", webhookToken(manual)]) {
      const response = await hooks.POST(
        new Request("http://app.test/api/hooks/x", { method: "POST", body: "{}" }),
        ctx(token),
      );
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toBe("No workflow listens at this address.");
    }
  });

  it("refuses a 50 MB body with a forged token without reading it", async () => {
    const manual = await h.workflow(plan([{ id: "a", action: "transform", input: { value: 1 } }]));
    const body = endlessBody(50 * 1024 * 1024);
    const response = await hooks.POST(body.request(), ctx(`${manual}.${"A".repeat(43)}`));
    expect(response.status).toBe(404);
    // Nothing beyond what the stream pre-buffers on its own was pulled.
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("stops reading a body past the limit and answers 413, starting no run", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], {
        trigger: { type: "webhook" },
      }),
    );
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const before = (await listRecentRuns({ userId: h.userId, workflowId, limit: 50 })).length;
    const body = endlessBody(50 * 1024 * 1024);
    const response = await hooks.POST(body.request(), ctx(webhookToken(workflowId)));
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toMatch(/too large \(1 MB at most\)/);
    expect(body.pulled()).toBeLessThan(2 * 1024 * 1024);
    expect((await listRecentRuns({ userId: h.userId, workflowId, limit: 50 })).length).toBe(before);
  });

  it("takes form bodies as an object and refuses binary bodies with a clear 400", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "echo", action: "transform", input: { value: "{{ trigger.body.email }}" } }], {
        trigger: { type: "webhook" },
      }),
    );
    const form = await hooks.POST(
      new Request("http://app.test/api/hooks/x", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "email=ada%40example.com&plan=pro",
      }),
      ctx(webhookToken(workflowId)),
    );
    expect(form.status).toBe(202);
    const run = await h.finished((await form.json()).runId);
    expect(run.status).toBe("succeeded");
    expect((run.trigger as { body: unknown }).body).toEqual({
      email: "ada@example.com",
      plan: "pro",
    });
    for (const body of [new Uint8Array([0xff, 0xfe, 0x00, 0x01]), "nul \u0000 inside"]) {
      const refused = await hooks.POST(
        new Request("http://app.test/api/hooks/x", {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body,
        }),
        ctx(webhookToken(workflowId)),
      );
      expect(refused.status).toBe(400);
    }
  });

  it("takes at most the workflow's rate, then answers 429 with Retry-After and starts nothing", async () => {
    const { setRateLimits, resetRateLimits } = await import("@/lib/rate-limit");
    setRateLimits({ webhook: { points: 3, duration: 60 } });
    onTestFinished(() => resetRateLimits());
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], {
        trigger: { type: "webhook" },
      }),
    );
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await hooks.POST(
        new Request("http://app.test/api/hooks/x", { method: "POST", body: `call ${i}` }),
        ctx(webhookToken(workflowId)),
      );
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    expect((await listRecentRuns({ userId: h.userId, workflowId, limit: 50 })).length).toBe(3);
  });
});

/** A request body of `size` bytes produced on demand, counting what was pulled. */
function endlessBody(size: number) {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= size) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return {
    pulled: () => pulled,
    /** A JSON POST to a webhook URL whose body is this stream. */
    request: () =>
      new Request("http://app.test/api/hooks/x", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
  };
}
