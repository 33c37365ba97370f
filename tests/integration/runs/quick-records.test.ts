// How a step that changes nothing (a transform, a read) is recorded: it runs at once, and a
// quick one has its start and end written in one statement (its input and start time, one log
// entry saying how it ended and how long it took); one that takes a while shows as running from
// START_RECORD_DELAY_MS on (its start entry, then its end's). Records of units ending together
// in one run number their entries without gaps or swaps. A quick step's record is written behind
// its step (records-behind.ts): one that does not land is written at the run's end, and one
// that finds the run cancelled stops the run before its next step.
import { sql } from "drizzle-orm";
import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { RecordsBehind, recordsBehindSettings } from "@/inngest/functions/records-behind";
import { START_RECORD_DELAY_MS, unitRecordSettings } from "@/inngest/functions/unit-steps";
import { type ActionDeclaration, defineAction } from "@/lib/actions/define-action";
import { rowsOf } from "@/lib/db/history-sql";
import { listRunEvents, listRunSteps } from "@/lib/db/run-queries";
import { cancelRun } from "@/lib/runs/control";
import { drivers } from "@/tests/helpers/database";
import { harnessFor, plan } from "./harness";

/** The `ms` of every slow read that has begun (the test knows it runs before any record). */
const reading = new Set<number>();

/** A read that takes `ms` (read-only: `sideEffects: false`). */
const slowRead: ActionDeclaration = {
  ...defineAction({
    id: "test.slow-read",
    title: "Slow read",
    description: "reads for `ms` milliseconds",
    kind: "task",
    sideEffects: false,
    input: z.object({ ms: z.number() }),
    output: z.unknown(),
    example: { ms: 1 },
  }),
  run: (async (input: { ms: number }, context: { signal?: AbortSignal }) => {
    reading.add(input.ms);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, input.ms);
      context.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { read: input.ms };
  }) as ActionDeclaration["run"],
};

describe.each(drivers)("records of steps that change nothing on %s", (driver) => {
  const h = harnessFor(driver, { actions: [slowRead] });

  /** The run's step rows, once there are any (a row written as a unit stops comes after the run's end). */
  const rowsOnceWritten = (runId: string, what: string) =>
    h.waitFor(async () => {
      const rows = await listRunSteps({ runId });
      return rows.length ? rows : undefined;
    }, what);

  it("writes a quick step's start and end together: its input, one entry, no gaps", async () => {
    const width = 24;
    const workflowId = await h.workflow(
      plan([
        ...Array.from({ length: width }, (_, i) => ({
          id: `t${i}`,
          action: "transform",
          input: { value: { n: i, label: `item ${i}` } },
        })),
        {
          id: "sum",
          action: "transform",
          after: Array.from({ length: width }, (_, i) => `t${i}`),
          input: {
            value: `{{ ${Array.from({ length: width }, (_, i) => `steps.t${i}.output.n`).join(" + ")} }}`,
          },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe((width * (width - 1)) / 2);

    const steps = await listRunSteps({ runId: run.id });
    expect(steps).toHaveLength(width + 1);
    for (const step of steps) {
      expect(step.status).toBe("succeeded");
      expect(step.attempt).toBe(1);
      expect(step.input).toBeDefined();
      expect(step.startedAt?.getTime()).toBeLessThanOrEqual(step.finishedAt?.getTime() ?? 0);
    }
    expect(steps.find((s) => s.stepId === "t3")?.input).toEqual({
      value: { n: 3, label: "item 3" },
    });
    expect(steps.find((s) => s.stepId === "t3")?.output).toEqual({ n: 3, label: "item 3" });

    // Every unit ran in race mode beside the others and recorded at about the same time: the
    // log still has one entry per key, numbered 1..n; a quick unit's one entry says it
    // succeeded and how long it took.
    const events = await listRunEvents({ runId: run.id });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.key)).size).toBe(events.length);
    for (const step of steps) {
      const own = events.filter((e) => e.key?.startsWith(`${step.stepId}:`));
      expect(own.map((e) => e.key)).toEqual([`${step.stepId}:a1:succeeded`]);
      expect(own[0].message).toBe(`${step.stepId} succeeded`);
      expect((own[0].data as { durationMs?: number }).durationMs).toBeGreaterThanOrEqual(0);
    }

    // Stored as JSON values, not as JSON text inside a JSON string.
    const kinds = rowsOf<{ input: string; output: string }>(
      await h.database.db.execute(
        sql`select jsonb_typeof(input) as input, jsonb_typeof(output) as output
            from run_steps where run_id = ${run.id} and step_id = 't3'`,
      ),
    );
    expect(kinds).toEqual([{ input: "object", output: "object" }]);
    const data = rowsOf<{ kind: string }>(
      await h.database.db.execute(
        sql`select distinct jsonb_typeof(data) as kind from run_events where run_id = ${run.id}`,
      ),
    );
    expect(data.map((d) => d.kind)).toEqual(["object"]);
  });

  it("shows a read that takes a while as running before it ends, with one start entry", async () => {
    const ms = START_RECORD_DELAY_MS * 10;
    const workflowId = await h.workflow(
      plan([{ id: "read", action: "test.slow-read", input: { ms } }]),
    );
    const run = await h.start(workflowId);
    const running = await h.waitFor(async () => {
      const [step] = await listRunSteps({ runId: run.id });
      return step?.status === "running" ? step : undefined;
    }, "the read's attempt recorded as running");
    expect(running.input).toEqual({ ms });
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    const [step] = await listRunSteps({ runId: run.id });
    expect(step.status).toBe("succeeded");
    expect(step.output).toEqual({ read: ms });
    expect(step.durationMs).toBeGreaterThanOrEqual(ms - 20);
    const keys = (await listRunEvents({ runId: run.id })).map((e) => e.key);
    expect(keys.filter((k) => k?.startsWith("read:"))).toEqual([
      "read:a1:started",
      "read:a1:succeeded",
    ]);
  });

  it("ends a read of a run cancelled while it reads as cancelled, and runs nothing after it", async () => {
    const workflowId = await h.workflow(
      plan([
        { id: "read", action: "test.slow-read", input: { ms: 5_000 } },
        { id: "after", action: "test.count", after: ["read"], input: { key: "quick-after" } },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(async () => {
      const [step] = await listRunSteps({ runId: run.id });
      return step?.status === "running" ? step : undefined;
    }, "the read running");
    await cancelRun({ userId: h.userId, runId: run.id, client: h.client });
    const done = await h.finished(run.id);
    expect(done.status).toBe("cancelled");
    const steps = await listRunSteps({ runId: run.id });
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([["read", "cancelled"]]);
    expect(h.effects.counts.get("quick-after") ?? 0).toBe(0);
  });

  it("writes a read cancelled before its start was due as cancelled, with its input", async () => {
    // The start is never due during this test: the read is cancelled while nothing of its
    // attempt has been written (as happens when a cancel comes within START_RECORD_DELAY_MS).
    unitRecordSettings.startDelayMs = 60_000;
    onTestFinished(() => {
      unitRecordSettings.startDelayMs = START_RECORD_DELAY_MS;
    });
    const ms = 7_000 + (driver === "pglite" ? 1 : 2);
    const workflowId = await h.workflow(
      plan([
        { id: "read", action: "test.slow-read", input: { ms } },
        { id: "after", action: "test.count", after: ["read"], input: { key: `early-${driver}` } },
      ]),
    );
    const run = await h.start(workflowId);
    await h.waitFor(async () => (reading.has(ms) ? true : undefined), "the read to begin");
    expect(await listRunSteps({ runId: run.id })).toEqual([]);
    await cancelRun({ userId: h.userId, runId: run.id, client: h.client });
    const done = await h.finished(run.id);
    expect(done.status).toBe("cancelled");
    // The run ended with the cancel; the read writes its row as it stops.
    const steps = await rowsOnceWritten(run.id, "the read's row");
    expect(steps.map((s) => [s.stepId, s.attempt, s.status])).toEqual([["read", 1, "cancelled"]]);
    expect(steps[0].input).toEqual({ ms });
    expect(steps[0].finishedAt).not.toBeNull();
    expect(steps[0].durationMs).toBeGreaterThanOrEqual(0);
    // The cancel's own line stays the last word and speaks for the read (no entry of its own).
    const messages = (await listRunEvents({ runId: run.id })).map((e) => e.message);
    expect(messages.filter((m) => m.startsWith("read "))).toEqual([]);
    expect(messages.at(-1)).toBe("Run cancelled");
    expect(h.effects.counts.get(`early-${driver}`) ?? 0).toBe(0);
  });

  it("writes at the run's end a quick step's record that did not land behind its step", async () => {
    // The writes of `b` (in a chain) and of `p1` (beside `p0`, in race mode) fail, as when
    // the process dies after the engine memoized the step and before the record's commit.
    const lost = new Set(["b", "p1"]);
    recordsBehindSettings.beforeWrite = async (unitId) => {
      if (lost.has(unitId)) throw new Error("connection lost (test)");
    };
    onTestFinished(() => {
      recordsBehindSettings.beforeWrite = undefined;
    });
    const workflowId = await h.workflow(
      plan([
        { id: "a", action: "transform", input: { value: { n: 1 } } },
        {
          id: "b",
          action: "transform",
          after: ["a"],
          input: { value: "{{ steps.a.output.n + 1 }}" },
        },
        { id: "p0", action: "transform", after: ["b"], input: { value: "left" } },
        { id: "p1", action: "transform", after: ["b"], input: { value: "right" } },
        {
          id: "c",
          action: "transform",
          after: ["p0", "p1"],
          input: { value: "{{ steps.p0.output & '-' & steps.p1.output }}" },
        },
      ]),
    );
    const run = await h.start(workflowId);
    const done = await h.finished(run.id);
    expect(done.status).toBe("succeeded");
    expect(done.output).toBe("left-right");

    const steps = await listRunSteps({ runId: run.id });
    const byId = new Map(steps.map((step) => [step.stepId, step]));
    expect([...byId.keys()].sort()).toEqual(["a", "b", "c", "p0", "p1"]);
    for (const step of steps) {
      expect([step.stepId, step.attempt, step.status]).toEqual([step.stepId, 1, "succeeded"]);
      expect(step.startedAt?.getTime()).toBeLessThanOrEqual(step.finishedAt?.getTime() ?? 0);
    }
    // Written again from the step's memo: its output and times; its input was not kept.
    expect(byId.get("b")?.output).toBe(2);
    expect(byId.get("p1")?.output).toBe("right");
    expect(byId.get("b")?.input).toBeNull();
    expect(byId.get("a")?.input).toEqual({ value: { n: 1 } });
    // Each has its one entry, and they are numbered without gaps; the run's end comes last.
    const events = await listRunEvents({ runId: run.id });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const id of ["a", "b", "p0", "p1", "c"]) {
      expect(events.filter((e) => e.key?.startsWith(`${id}:`)).map((e) => e.key)).toEqual([
        `${id}:a1:succeeded`,
      ]);
    }
    const last = events.at(-1);
    expect(last?.key?.startsWith("b:") || last?.key?.startsWith("p1:")).toBe(false);
  });

  it("runs nothing after a quick step whose record finds the run cancelled", async () => {
    const ms = 11 + (driver === "pglite" ? 1 : 2);
    let runId = "";
    recordsBehindSettings.beforeWrite = async (unitId) => {
      if (unitId !== "first") return;
      await h.waitFor(async () => runId || undefined, "the run's id");
      await cancelRun({ userId: h.userId, runId, client: h.client });
    };
    onTestFinished(() => {
      recordsBehindSettings.beforeWrite = undefined;
    });
    const workflowId = await h.workflow(
      plan([
        { id: "first", action: "transform", input: { value: 1 } },
        { id: "second", action: "test.slow-read", after: ["first"], input: { ms } },
      ]),
    );
    const run = await h.start(workflowId);
    runId = run.id;
    const done = await h.finished(run.id);
    expect(done.status).toBe("cancelled");
    // The run's record says cancelled as soon as the cancel is asked; `first`'s row comes
    // with its record, written behind, after the cancel.
    const steps = await rowsOnceWritten(run.id, "first's row");
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([["first", "cancelled"]]);
    expect(reading.has(ms)).toBe(false);
  });

  it("finds, on a later call, a record written behind an earlier one that never landed", async () => {
    // As after a crash: the unit's memo says its record was written behind, the row is not
    // there. The call that replays it writes it at the run's end, once.
    const workflowId = await h.workflow(
      plan([{ id: "only", action: "transform", input: { value: { kept: true } } }]),
    );
    const run = await h.start(workflowId);
    expect((await h.finished(run.id)).status).toBe("succeeded");
    await h.database.db.execute(sql`delete from run_steps where run_id = ${run.id}`);
    await h.database.db.execute(sql`delete from run_events where run_id = ${run.id}`);
    const later = {
      attempt: 1,
      startedAt: "2026-12-01T07:30:00.000Z",
      finishedAt: "2026-12-01T07:30:00.004Z",
    };
    const replayed = new RecordsBehind(run.id);
    replayed.seen("only", { output: { kept: true }, later });
    expect(await replayed.reconcile()).toBe(1);
    const [step] = await listRunSteps({ runId: run.id });
    expect([step.stepId, step.attempt, step.status, step.output]).toEqual([
      "only",
      1,
      "succeeded",
      { kept: true },
    ]);
    expect(step.startedAt?.toISOString()).toBe(later.startedAt);
    expect(step.durationMs).toBe(4);
    expect((await listRunEvents({ runId: run.id })).map((e) => e.key)).toEqual([
      "only:a1:succeeded",
    ]);
    // Found on the next look: nothing is written twice.
    expect(await replayed.reconcile()).toBe(0);
    // A unit whose record this call wrote itself is not looked for; a step without `later`
    // (its record awaited in the step) neither.
    const current = new RecordsBehind(run.id);
    current.write({ unitId: "only", output: { kept: true }, later }, async () => "succeeded");
    current.seen("only", { output: { kept: true }, later });
    current.seen("other", { output: 1 });
    await current.settle();
    expect(await current.reconcile()).toBe(0);
  });
});
