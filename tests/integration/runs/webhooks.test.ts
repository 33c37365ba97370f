// Webhook triggers: the workflow's URL starts a run with the request in scope; a forged or
// unknown token, a paused workflow and a non-webhook workflow are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../engine/processes";
import {
  createRunsHarness,
  plan,
  pointAppAt,
  pointAppClientAtHarness,
  type RunsHarness,
} from "./harness";

const port = await freePort();
pointAppClientAtHarness(port);

const hooks = await import("@/app/api/hooks/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const ctx = (token: string) => ({ params: Promise.resolve({ token }) }) as never;

describe("webhook triggers", () => {
  let h: RunsHarness;
  beforeAll(async () => {
    h = await createRunsHarness("pglite", { port });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts a run with the request's body, query and headers, without credentials", async () => {
    pointAppAt(h.database);
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
    pointAppAt(h.database);
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
});
