// The plan interpreter on the embedded executor, through the real serve() handler, on
// PostgreSQL and PGlite: parallel steps, skips, loops, retries, error policies, onFailure.
import { describe, expect, it } from "vitest";
import { listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { harnessFor, plan } from "./harness";

describe.each(drivers)("the plan interpreter on %s", (driver) => {
  const h = harnessFor(driver);

  it("runs the middle steps of a diamond in parallel and passes outputs along", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: 1 } },
        {
          id: "b",
          action: "test.sleep",
          after: ["a"],
          input: { ms: 300, value: "{{ steps.a.output + 1 }}" },
        },
        {
          id: "c",
          action: "test.sleep",
          after: ["a"],
          input: { ms: 300, value: "{{ steps.a.output + 2 }}" },
        },
        {
          id: "d",
          action: "transform",
          after: ["b", "c"],
          input: { value: "{{ steps.b.output.value + steps.c.output.value }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe(5);
    const steps = await listRunSteps({ runId: run.id });
    const b = steps.find((s) => s.stepId === "b");
    const c = steps.find((s) => s.stepId === "c");
    expect(b?.status).toBe("succeeded");
    expect(c?.status).toBe("succeeded");
    // Overlap: each started before the other finished.
    expect(b?.startedAt?.getTime()).toBeLessThan(c?.finishedAt?.getTime() ?? 0);
    expect(c?.startedAt?.getTime()).toBeLessThan(b?.finishedAt?.getTime() ?? 0);
    expect(b?.durationMs).toBeGreaterThanOrEqual(290);
    const events = await listRunEvents({ runId: run.id });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.message).toBe("Run succeeded");
  });

  it("skips a step whose condition is false, with the reason, and runs its dependents", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: 3 } },
        {
          id: "big",
          action: "transform",
          after: ["a"],
          if: "steps.a.output > 10",
          input: { value: "big" },
        },
        {
          id: "after",
          action: "transform",
          after: ["big"],
          input: { value: "{{ steps.big.status }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe("skipped");
    const steps = await listRunSteps({ runId: run.id });
    const big = steps.find((s) => s.stepId === "big");
    expect(big?.status).toBe("skipped");
    expect(big?.output).toMatchObject({ reason: "condition is false: steps.a.output > 10" });
  });

  it("runs a forEach step once per item with its concurrency cap; output is the list", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "list", action: "transform", input: { value: [1, 2, 3, 4, 5] } },
        {
          id: "each",
          action: "test.sleep",
          after: ["list"],
          forEach: "steps.list.output",
          maxItems: 10,
          concurrency: 2,
          input: { ms: 100, value: "{{ item * 10 }}" },
        },
        {
          id: "sum",
          action: "transform",
          after: ["each"],
          input: { value: "{{ $sum(steps.each.output.value) }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe(150);
    const items = (await listRunSteps({ runId: run.id })).filter(
      (s) => s.stepId === "each" && s.iteration >= 0,
    );
    expect(items.map((s) => s.iteration).sort()).toEqual([0, 1, 2, 3, 4]);
    // Never more than 2 items at once.
    for (const item of items) {
      const overlapping = items.filter(
        (other) =>
          (other.startedAt?.getTime() ?? 0) < (item.finishedAt?.getTime() ?? 0) &&
          (other.finishedAt?.getTime() ?? 0) > (item.startedAt?.getTime() ?? 0),
      );
      expect(overlapping.length).toBeLessThanOrEqual(2);
    }
  });

  it("retries a failing step by its policy, recording every attempt, then succeeds", async () => {
    const key = `flaky-${driver}`;
    const workflowId = await h.workflow(
      plan([
        {
          id: "flaky",
          action: "test.flaky",
          retry: { attempts: 3, backoff: "none" },
          input: { key, failures: 2 },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ n: 3, attempt: 3 });
    const attempts = (await listRunSteps({ runId: run.id })).sort((x, y) => x.attempt - y.attempt);
    expect(attempts.map((s) => [s.attempt, s.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "succeeded"],
    ]);
    expect(attempts[0].error).toMatchObject({ message: "failure 1" });
  });

  it("records the error of an onError: continue step and goes on", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "boom", action: "test.fail", onError: "continue", input: { message: "nope" } },
        {
          id: "next",
          action: "transform",
          after: ["boom"],
          input: { value: "{{ steps.boom.status & ': ' & steps.boom.error.message }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe("failed: nope");
  });

  it("fails the run naming the failed step, runs onFailure steps once with the error", async () => {
    const workflowId = await h.workflow(
      plan(
        [
          { id: "ok", action: "transform", input: { value: 1 } },
          {
            id: "broken",
            action: "test.fail",
            after: ["ok"],
            retry: { attempts: 2, backoff: "none" },
            input: { message: "the API is down" },
          },
          { id: "never", action: "transform", after: ["broken"], input: { value: 2 } },
        ],
        {
          onFailure: [
            {
              id: "tell",
              action: "test.count",
              input: { key: "on-failure", value: "{{ error.step & ' / ' & error.message }}" },
            },
          ],
        },
      ),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ step: "broken", message: "the API is down" });
    const steps = await listRunSteps({ runId: run.id });
    expect(steps.filter((s) => s.stepId === "broken").map((s) => s.status)).toEqual([
      "failed",
      "failed",
    ]);
    expect(steps.find((s) => s.stepId === "never")?.status).toBe("skipped");
    const tell = steps.find((s) => s.stepId === "tell");
    expect(tell?.status).toBe("succeeded");
    expect(tell?.output).toMatchObject({ value: "broken / the API is down" });
    expect(h.effects.counts.get(`fail:${run.id}:broken`)).toBe(2);
    // The engine run failed too, after one function-level execution of the failure path.
    const engineRun = await h.engine.waitForRun(done.engineRunId as string);
    expect(engineRun.status).toBe("failed");
  });

  it("stores a large output once and hands it to later steps by reference", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "big", action: "test.big", input: { bytes: 400_000 } },
        {
          id: "len",
          action: "transform",
          after: ["big"],
          input: { value: "{{ $length(steps.big.output.text) }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe(400_000);
    const big = (await listRunSteps({ runId: run.id })).find((s) => s.stepId === "big");
    expect(big?.output).toMatchObject({ $truncated: true });
    const engineRun = await h.engine.getRun(done.engineRunId as string);
    expect(JSON.stringify(engineRun?.steps).length).toBeLessThan(50_000);
  });
});
