// The chat's run tools answer from the run records: "run it", "what ran?", "why did it fail?".
import { describe, expect, it } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const { runTools } = await import("@/lib/ai/tools/run-tools");
const call = <T>(t: { execute?: unknown }, input: unknown): Promise<T> =>
  (t.execute as (input: unknown, options: unknown) => Promise<T>)(input, {
    toolCallId: "t1",
    messages: [],
  });

describe("chat tools over runs", () => {
  const h = harnessFor("pglite", { port });

  it("runs a workflow, lists the run, and explains its failure from the records", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "fetch", action: "transform", input: { value: 1 } },
        {
          id: "report",
          action: "test.fail",
          after: ["fetch"],
          input: { message: "HTTP 503 from the status API", retriable: false },
        },
      ]),
    );
    const { getOrCreateThread } = await import("@/lib/db/queries");
    const threadId = crypto.randomUUID();
    await getOrCreateThread({ id: threadId, userId: h.userId, title: "Chat" });
    const tools = runTools({ userId: h.userId, threadId });

    const listed = await call<{ id: string; approved: boolean }[]>(tools.listWorkflows, {});
    expect(listed).toContainEqual(expect.objectContaining({ id: workflowId, approved: true }));

    const started = await call<{ ok: boolean; runId: string }>(tools.runWorkflow, { workflowId });
    expect(started.ok).toBe(true);
    await h.finished(started.runId);

    const runs = await call<{ runId: string; status: string; error: string | null }[]>(
      tools.listRuns,
      {},
    );
    expect(runs[0]).toMatchObject({ runId: started.runId, status: "failed" });
    expect(runs[0].error).toContain("HTTP 503 from the status API");

    const detail = await call<{
      ok: boolean;
      steps: { step: string; status: string; error: string | null }[];
    }>(tools.getRun, { runId: started.runId });
    expect(detail.ok).toBe(true);
    const failed = detail.steps.find((s) => s.step === "report");
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toContain("HTTP 503 from the status API");
  });

  it("refuses another person's workflow and run with a plain message", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }]),
    );
    const run = await h.start(workflowId);
    const stranger = runTools({ userId: await h.user(), threadId: crypto.randomUUID() });
    expect(await call(stranger.runWorkflow, { workflowId })).toEqual({
      ok: false,
      error: "This workflow does not exist or is not yours.",
    });
    expect(await call(stranger.getRun, { runId: run.id })).toMatchObject({ ok: false });
    expect(await call(stranger.listRuns, {})).toEqual([]);
  });
});
