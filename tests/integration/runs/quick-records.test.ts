// How a step that changes nothing (a transform, a read) is recorded: it runs at once, and a
// quick one has its start and end written in one statement (its input and start time, one log
// entry saying how it ended and how long it took); one that takes a while shows as running from
// START_RECORD_DELAY_MS on (its start entry, then its end's). Records of units ending together
// in one run number their entries without gaps or swaps.
import { sql } from "drizzle-orm";
import { describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
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
    const steps = await h.waitFor(async () => {
      const rows = await listRunSteps({ runId: run.id });
      return rows.length ? rows : undefined;
    }, "the read's row");
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
});
