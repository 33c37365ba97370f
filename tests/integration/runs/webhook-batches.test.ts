// A flood of webhook calls does not flood the thread: the runs of one webhook workflow gather
// in one message per minute (their statuses and what they posted, posts once per step however
// often retried), and only a failed run adds a message of its own.
import { describe, expect, it } from "vitest";
import type { BatchData } from "@/lib/ai/types";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const hooks = await import("@/app/api/hooks/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const ctx = (token: string) => ({ params: Promise.resolve({ token }) }) as never;

describe("webhook runs in their thread", () => {
  const h = harnessFor("postgres", { port });

  async function webhookWorkflowInThread(steps: unknown[]) {
    const { getOrCreateThread } = await import("@/lib/db/queries");
    const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Leads" });
    const { workflow, version } = await createWorkflow({
      userId: h.userId,
      threadId,
      title: "Lead router",
      author: "person",
      plan: plan(steps, { title: "Lead router", trigger: { type: "webhook" } }),
    });
    await approveWorkflowVersion({
      userId: h.userId,
      workflowId: workflow.id,
      versionId: version.id,
    });
    return { threadId, workflowId: workflow.id };
  }

  const batchesOf = async (threadId: string) => {
    const { getMessages } = await import("@/lib/db/queries");
    const rows = await getMessages({ threadId });
    return {
      rows,
      batches: rows.flatMap((row) =>
        (row.parts as { type: string; data: BatchData }[])
          .filter((p) => p.type === "data-batch")
          .map((p) => p.data),
      ),
    };
  };

  it("gathers 30 concurrent calls in one message per minute, with every run counted once", async () => {
    const { threadId, workflowId } = await webhookWorkflowInThread([
      { id: "a", action: "transform", input: { value: "{{ trigger.body.n }}" } },
    ]);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        hooks.POST(
          new Request("http://app.test/api/hooks/x", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ n }),
          }),
          ctx(webhookToken(workflowId)),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(202));
    const runIds = await Promise.all(responses.map(async (r) => (await r.json()).runId as string));
    await Promise.all(runIds.map((id) => h.finished(id)));

    await h.waitFor(async () => {
      const { batches } = await batchesOf(threadId);
      return batches.flatMap((b) => b.runs).every((r) => r.status === "succeeded")
        ? true
        : undefined;
    }, "every batched run to show succeeded");
    const { rows, batches } = await batchesOf(threadId);
    // One message per minute window (two if the calls straddled a minute), nothing else.
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.every((row) => row.id.startsWith(`batch_${workflowId}_`))).toBe(true);
    expect(batches.reduce((sum, b) => sum + b.total, 0)).toBe(30);
    const shown = batches.flatMap((b) => b.runs.map((r) => r.runId));
    expect(new Set(shown).size).toBe(shown.length);
    // Each batch shows its first 20 runs and counts the rest.
    expect(shown.length).toBe(batches.reduce((sum, b) => sum + Math.min(b.total, 20), 0));
    expect(batches[0].title).toBe("Lead router");
  });

  it("puts what a run posts into its batch, once per step however often it is retried", async () => {
    const { threadId, workflowId } = await webhookWorkflowInThread([
      { id: "a", action: "transform", input: { value: 1 } },
    ]);
    const response = await hooks.POST(
      new Request("http://app.test/api/hooks/x", { method: "POST", body: "lead" }),
      ctx(webhookToken(workflowId)),
    );
    const { runId } = await response.json();
    await h.finished(runId);
    const { postFromRun } = await import("@/lib/runs/thread-messages");
    const post = {
      userId: h.userId,
      threadId,
      messageId: `run_${runId}_notify`,
      text: "New lead: **Ada**",
      source: { runId, workflowId, stepId: "notify" },
    };
    const first = await postFromRun(post);
    const retried = await postFromRun(post);
    expect(retried.messageId).toBe(first.messageId);
    const { rows, batches } = await batchesOf(threadId);
    expect(rows).toHaveLength(1);
    expect(batches[0].posts).toEqual([
      expect.objectContaining({ runId, key: `run_${runId}_notify`, text: "New lead: **Ada**" }),
    ]);
  });

  it("still gives a failed run a message of its own", async () => {
    const { threadId, workflowId } = await webhookWorkflowInThread([
      { id: "boom", action: "test.fail", input: { message: "the CRM said no", retriable: false } },
    ]);
    const response = await hooks.POST(
      new Request("http://app.test/api/hooks/x", { method: "POST", body: "lead" }),
      ctx(webhookToken(workflowId)),
    );
    const { runId } = await response.json();
    expect((await h.finished(runId)).status).toBe("failed");
    const { getMessages } = await import("@/lib/db/queries");
    const summary = await h.waitFor(async () => {
      const rows = await getMessages({ threadId });
      return rows.find((row) => row.id === `run_${runId}_summary`);
    }, "the failure summary");
    expect(JSON.stringify(summary.parts)).toContain("the run failed");
    const { batches } = await batchesOf(threadId);
    expect(batches[0].runs).toEqual([expect.objectContaining({ runId, status: "failed" })]);
  });
});
