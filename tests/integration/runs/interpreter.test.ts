// The plan interpreter on the embedded executor, through the real serve() handler, on
// PostgreSQL and PGlite: parallel steps, skips, loops, retries, error policies, onFailure.
import os from "node:os";
import { describe, expect, it } from "vitest";
import { listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { drivers } from "@/tests/helpers/database";
import { harnessFor, plan } from "./harness";

/** The most attempts running at one instant (each start, counting those started and not ended). */
function maxInFlight(rows: { startedAt: Date | null; finishedAt: Date | null }[]): number {
  const spans = rows.map((r) => [r.startedAt?.getTime() ?? 0, r.finishedAt?.getTime() ?? 0]);
  return Math.max(...spans.map(([t]) => spans.filter(([s, e]) => s <= t && t < e).length));
}

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

  it("starts each step as soon as its own after steps are done, whatever its siblings do", async () => {
    // One 1 s step beside a chain of five 100 ms steps: the critical path is the 1 s step.
    const chain = ["c1", "c2", "c3", "c4", "c5"];
    const workflowId = await h.workflow(
      plan([
        { id: "slow", action: "test.sleep", input: { ms: 1000 } },
        ...chain.map((id, i) => ({
          id,
          action: "test.sleep",
          ...(i > 0 ? { after: [chain[i - 1]] } : {}),
          input: { ms: 100, value: i },
        })),
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const steps = await listRunSteps({ runId: run.id });
    const at = (id: string) => {
      const row = steps.find((s) => s.stepId === id);
      return { start: row?.startedAt?.getTime() ?? 0, end: row?.finishedAt?.getTime() ?? 0 };
    };
    // No waves: the chain went on while the slow step ran (in one wave, c2 could only start
    // once the slow step had ended).
    expect(at("c2").start).toBeLessThan(at("slow").end);
    // The run took its critical path plus the engine's own overhead, measured on the steps'
    // own timestamps (first start to last end): the figure is the interpreter's, not the time
    // the test machine took before the run started. Waves would take >= 1.4 (1 s, then four
    // chained steps). A machine overloaded by other processes (more than 2 runnable per CPU)
    // stretches every hop of the chain past the bound, so there only the order above holds.
    const first = Math.min(...steps.map((s) => s.startedAt?.getTime() ?? Infinity));
    const last = Math.max(...steps.map((s) => s.finishedAt?.getTime() ?? 0));
    const ratio = (last - first) / 1000;
    const load = os.loadavg()[0] / os.cpus().length;
    console.log(`critical path ratio ${ratio.toFixed(3)} (load ${load.toFixed(1)} per CPU)`);
    if (load <= 2) expect(ratio).toBeLessThanOrEqual(1.1);
  });

  it("goes on after the first of two waits side by side while the other still waits", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "short", action: "wait.delay", input: { duration: "1s" } },
        { id: "long", action: "wait.delay", input: { duration: "6s" } },
        { id: "soon", action: "transform", after: ["short"], input: { value: "soon" } },
        { id: "late", action: "transform", after: ["long"], input: { value: "late" } },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const steps = await listRunSteps({ runId: run.id });
    const at = (id: string) => steps.find((s) => s.stepId === id)?.finishedAt?.getTime() ?? 0;
    // Not joined: the step after the short wait ran while the long one still waited.
    expect(at("soon")).toBeLessThan(at("long") - 3_000);
    expect(at("late")).toBeGreaterThanOrEqual(at("long"));
  });

  it("keeps a loop's concurrency in flight at all times, not in batches", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "list", action: "transform", input: { value: [1000, 100, 100, 100, 100] } },
        {
          id: "each",
          action: "test.sleep",
          after: ["list"],
          forEach: "steps.list.output",
          maxItems: 10,
          concurrency: 2,
          input: { ms: "{{ item }}", value: "{{ index }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect((done.output as { value: number }[]).map((o) => o.value)).toEqual([0, 1, 2, 3, 4]);
    const items = (await listRunSteps({ runId: run.id }))
      .filter((s) => s.stepId === "each" && s.iteration >= 0)
      .sort((x, y) => x.iteration - y.iteration);
    const span = (i: number) => ({
      start: items[i]?.startedAt?.getTime() ?? 0,
      end: items[i]?.finishedAt?.getTime() ?? 0,
    });
    // Item 2 took the slot item 1 left while item 0 still ran (in batches of two, it would
    // have waited for item 0).
    expect(span(2).start).toBeGreaterThanOrEqual(span(1).end);
    expect(span(2).start).toBeLessThan(span(0).end);
    expect(maxInFlight(items)).toBe(2);
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
    expect(maxInFlight(items)).toBeLessThanOrEqual(2);
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
