// A workflow's `limits` and its trigger's idempotency key, end to end on the embedded
// executor: a repeated webhook delivery runs once, a debounced burst runs once with its last
// delivery, a run past its time limit fails with the reason, a singleton never overlaps
// (skip and replace), and "at most N at once" queues the rest durably.
import { describe, expect, it } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const hooks = await import("@/app/api/hooks/[token]/route");
const { webhookToken } = await import("@/lib/runs/webhooks");
const runQueries = await import("@/lib/db/run-queries");
const ctx = (token: string) => ({ params: Promise.resolve({ token }) }) as never;

function deliver(workflowId: string, body: unknown) {
  return hooks.POST(
    new Request("http://app.test/api/hooks/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    ctx(webhookToken(workflowId)),
  );
}

describe("plan limits", () => {
  const h = harnessFor("pglite", { port });

  const runsOf = async (workflowId: string) =>
    runQueries.listRecentRuns({ userId: h.userId, workflowId, limit: 100 });

  const admitted = (runId: string) =>
    h.waitFor(async () => {
      const run = await runQueries.getRunById({ runId });
      return run?.admittedAt ? run : undefined;
    }, `run ${runId} to be let go`);

  it("runs a webhook delivered twice with the same id once, and answers the duplicate with the first run", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "count", action: "test.count", input: { key: "{{ trigger.body.id }}-hook" } }], {
        trigger: { type: "webhook", idempotencyKey: "{{ trigger.body.id }}" },
      }),
    );
    const first = await deliver(workflowId, { id: "order-1" });
    expect(first.status).toBe(202);
    const { runId } = await first.json();
    const again = await deliver(workflowId, { id: "order-1", retried: true });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ runId, duplicate: true });
    const other = await deliver(workflowId, { id: "order-2" });
    expect(other.status).toBe(202);
    const otherId = (await other.json()).runId;
    expect(otherId).not.toBe(runId);
    // Five at once with a new id: one run, four duplicates naming it.
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => deliver(workflowId, { id: "order-3" })),
    );
    const answers = await Promise.all(burst.map((r) => r.json()));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const burstRun = answers.find((a) => !a.duplicate).runId;
    expect(answers.every((a) => a.runId === burstRun)).toBe(true);
    // A delivery its key names nothing in cannot be told apart: it runs.
    const keyless = await deliver(workflowId, { note: "no id" });
    expect(keyless.status).toBe(202);
    const keylessId = (await keyless.json()).runId;

    expect((await h.finished(runId)).status).toBe("succeeded");
    expect((await h.finished(otherId)).status).toBe("succeeded");
    // The keyless run fails on its missing binding, which is the plan's business, not the key's.
    await h.finished(keylessId);
    // Once more after the runs ended: still a duplicate (24 h), no new run, no new card.
    expect(await (await deliver(workflowId, { id: "order-1" })).json()).toEqual({
      runId,
      duplicate: true,
    });
    expect(h.effects.counts.get("order-1-hook") ?? 0).toBe(1);
    expect(h.effects.counts.get("order-2-hook") ?? 0).toBe(1);
    expect((await h.finished(burstRun)).status).toBe("succeeded");
    expect(h.effects.counts.get("order-3-hook") ?? 0).toBe(1);
    expect((await runsOf(workflowId)).length).toBe(4);
  });

  it("runs a burst of 20 debounced deliveries once, with the last", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "last", action: "transform", input: { value: "{{ trigger.body.n }}" } }], {
        trigger: { type: "webhook" },
        limits: { debounce: "2s" },
      }),
    );
    const answers: { runId: string; debounced?: boolean }[] = [];
    for (let n = 1; n <= 20; n++) {
      const response = await deliver(workflowId, { n });
      expect(response.status).toBe(202);
      answers.push(await response.json());
    }
    const runId = answers[0].runId;
    expect(answers[0].debounced).toBeUndefined();
    expect(answers.slice(1).every((a) => a.debounced === true && a.runId === runId)).toBe(true);
    const run = await h.finished(runId);
    expect(run.status).toBe("succeeded");
    expect((run.trigger as { body: unknown }).body).toEqual({ n: 20 });
    const [step] = await runQueries.listRunSteps({ runId });
    expect(step.output).toBe(20);
    expect((await runsOf(workflowId)).length).toBe(1);
    // The burst settled: the next delivery starts a run of its own.
    const next = await (await deliver(workflowId, { n: 21 })).json();
    expect(next.runId).not.toBe(runId);
    expect(next.debounced).toBeUndefined();
    expect((await h.finished(next.runId)).status).toBe("succeeded");
  });

  it("fails a run that exceeds its time limit, with the reason", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "nap", action: "wait.delay", input: { duration: "1h" } }], {
        limits: { timeout: "2s" },
      }),
    );
    const run = await h.start(workflowId);
    const ended = await h.finished(run.id, 20_000);
    expect(ended.status).toBe("failed");
    expect(ended.error).toMatchObject({ message: "Run exceeded its 2 s time limit" });
    const steps = await runQueries.listRunSteps({ runId: run.id });
    expect(steps.every((step) => step.status !== "waiting" && step.status !== "running")).toBe(
      true,
    );
  });

  it("skips a singleton run while another is going", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "work", action: "test.sleep", input: { ms: 1500 } }], {
        limits: { singleton: "skip" },
      }),
    );
    const first = await h.start(workflowId);
    await admitted(first.id);
    const second = await h.start(workflowId);
    const skipped = await h.finished(second.id);
    expect(skipped.status).toBe("cancelled");
    expect((skipped.error as { message: string }).message).toMatch(
      /^Skipped: another run of this workflow \(.+\) was still going, and it runs at most one at a time$/,
    );
    expect((await runQueries.listRunSteps({ runId: second.id })).length).toBe(0);
    expect((await h.finished(first.id)).status).toBe("succeeded");
    const third = await h.start(workflowId);
    expect((await h.finished(third.id)).status).toBe("succeeded");
  });

  it("answers a webhook delivery to a singleton workflow that is going as skipped, with no run", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "work", action: "test.sleep", input: { ms: 1500 } }], {
        trigger: { type: "webhook" },
        limits: { singleton: "skip" },
      }),
    );
    const first = await (await deliver(workflowId, { n: 1 })).json();
    await admitted(first.runId);
    const second = await deliver(workflowId, { n: 2 });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ runId: first.runId, skipped: true });
    expect((await runsOf(workflowId)).length).toBe(1);
    expect((await h.finished(first.runId)).status).toBe("succeeded");
  });

  it("replaces the singleton run going with the new one", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "nap", action: "wait.delay", input: { duration: "2s" } }], {
        limits: { singleton: "replace" },
      }),
    );
    const first = await h.start(workflowId);
    await admitted(first.id);
    const second = await h.start(workflowId);
    const replaced = await h.finished(first.id);
    expect(replaced.status).toBe("cancelled");
    expect((replaced.error as { message: string }).message).toBe(
      `Replaced by a newer run (${second.id}): one run at a time`,
    );
    const newer = await h.finished(second.id);
    expect(newer.status).toBe("succeeded");
    // Never both going: the first had ended when the second was let go.
    expect(replaced.finishedAt?.getTime()).toBeLessThanOrEqual(
      (newer.admittedAt?.getTime() ?? 0) + 1000,
    );
  });

  it("runs at most one at a time, the others waiting their turn", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "work", action: "test.sleep", input: { ms: 700 } }], {
        limits: { concurrency: 1 },
      }),
    );
    const started: Awaited<ReturnType<typeof h.start>>[] = [];
    for (let i = 0; i < 3; i++) started.push(await h.start(workflowId));
    // One of them waits its turn, and says so.
    const waiting = await h.waitFor(async () => {
      for (const run of started) {
        const row = await runQueries.getRunById({ runId: run.id });
        if (row?.status === "waiting") return row;
      }
      return undefined;
    }, "a run waiting its turn");
    const log = await runQueries.listRunEvents({ runId: waiting.id });
    expect(log.map((event) => event.message)).toContain(
      "Waiting for a free slot: at most one run at a time (more wait their turn)",
    );
    const spans: [number, number][] = [];
    for (const run of started) {
      expect((await h.finished(run.id, 30_000)).status).toBe("succeeded");
      const [step] = await runQueries.listRunSteps({ runId: run.id });
      const output = step.output as { startedAt: number; endedAt: number };
      spans.push([output.startedAt, output.endedAt]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
  });

  it("starts at most 2 runs per 3 s, the third waiting for the window to move on", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], {
        limits: { rate: { limit: 2, period: "3s" } },
      }),
    );
    const started: Awaited<ReturnType<typeof h.start>>[] = [];
    for (let i = 0; i < 3; i++) started.push(await h.start(workflowId));
    const ended = [];
    for (const run of started) ended.push(await h.finished(run.id, 20_000));
    expect(ended.every((run) => run.status === "succeeded")).toBe(true);
    const admittedAt = ended.map((run) => run.admittedAt?.getTime() ?? 0).sort((a, b) => a - b);
    expect(admittedAt[2] - admittedAt[0]).toBeGreaterThanOrEqual(3000);
    expect(admittedAt[1] - admittedAt[0]).toBeLessThan(3000);
  });

  it("starts an event-triggered run once per key: a second event with the same key is ignored", async () => {
    const digest = await h.workflow(
      plan([{ id: "a", action: "transform", input: { value: 1 } }], { title: "Digest" }),
    );
    const listener = await h.workflow(
      plan([{ id: "note", action: "transform", input: { value: "{{ trigger.data.runId }}" } }], {
        trigger: {
          type: "event",
          event: "workflow/run.finished",
          if: `trigger.data.workflowId = "${digest}"`,
          idempotencyKey: "{{ trigger.data.workflowId }}",
        },
      }),
    );
    // Hears every end of the digest: the sign that the event-triggers function handled one.
    const control = await h.workflow(
      plan([{ id: "note", action: "transform", input: { value: 1 } }], {
        trigger: {
          type: "event",
          event: "workflow/run.finished",
          if: `trigger.data.workflowId = "${digest}"`,
        },
      }),
    );
    const first = await h.start(digest);
    expect((await h.finished(first.id)).status).toBe("succeeded");
    const heard = await h.waitFor(async () => {
      const rows = await runsOf(listener);
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the listener to start");
    expect((await h.finished(heard.id)).status).toBe("succeeded");
    const second = await h.start(digest);
    expect((await h.finished(second.id)).status).toBe("succeeded");
    await h.waitFor(async () => {
      const rows = await runsOf(control);
      return rows.length === 2 ? rows : undefined;
    }, "the control listener to hear both ends");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const runs = await runsOf(listener);
    expect(runs).toHaveLength(1);
    expect((runs[0].run.trigger as { data: { runId: string } }).data.runId).toBe(first.id);
    // The same answer, directly: a third event naming the same workflow is that first run.
    const { matchEventTriggers, startTriggeredRun } = await import("@/lib/runs/event-triggers");
    const event = {
      id: "evt-third",
      name: "workflow/run.finished",
      at: new Date().toISOString(),
      data: { userId: h.userId, workflowId: digest, runId: second.id, status: "succeeded" },
    };
    const [match] = (await matchEventTriggers(event)).filter((m) => m.workflowId === listener);
    expect(await startTriggeredRun(match, event, h.client)).toBe(runs[0].run.id);
    expect(await runsOf(listener)).toHaveLength(1);
  });
});
