// One-shot triggers ("remind me at 9 on 29 February"): the tick whose minute holds the instant
// (in the plan's zone) starts one run, a repeated or later tick starts nothing more, and after
// downtime the next tick starts it late (within a day) and marks it so. The plan card reads
// from that run whether it is done. A fixed clock: each tick is given its minute and watermark.
import { describe, expect, it } from "vitest";
import { drivers } from "@/tests/helpers/database";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();
const { runsDueAtTick, startScheduledRun } = await import("@/lib/runs/schedules");

const at = (iso: string) => new Date(iso);
const remind = (trigger: Record<string, unknown>) =>
  plan([{ id: "when", action: "transform", input: { value: "{{ trigger.scheduledAt }}" } }], {
    title: "Reminder",
    trigger: { type: "once", ...trigger },
  });

describe.each(drivers)("one-shot triggers on %s", (driver) => {
  const h = harnessFor(driver, { port });

  /** A tick at `minute` after the previous one at `watermark`: the runs it starts for `workflowId`. */
  async function tick(minute: string, watermark: string | null, workflowId: string) {
    const due = (await runsDueAtTick(at(minute), watermark ? at(watermark) : null)).filter(
      (run) => run.workflowId === workflowId,
    );
    const started: string[] = [];
    for (const run of due) started.push(await startScheduledRun(run, h.client));
    return { due, started };
  }

  async function runsOf(workflowId: string) {
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    return listRecentRuns({ userId: h.userId, workflowId });
  }

  it("starts once in the minute that holds its local time, and never again", async () => {
    // 09:00 in Berlin on 29 February 2028 is 08:00 UTC.
    const workflowId = await h.workflow(
      remind({ at: "2028-02-29T09:00", timezone: "Europe/Berlin" }),
    );

    expect((await tick("2028-02-29T07:59:00Z", "2028-02-29T07:58:00Z", workflowId)).due).toEqual(
      [],
    );
    const fired = await tick("2028-02-29T08:00:00Z", "2028-02-29T07:59:00Z", workflowId);
    expect(fired.due.map((run) => [run.at, run.late])).toEqual([
      ["2028-02-29T08:00:00.000Z", undefined],
    ]);
    const run = await h.finished(fired.started[0]);
    expect(run.status).toBe("succeeded");
    expect(run.trigger).toEqual({ type: "schedule", scheduledAt: "2028-02-29T08:00:00.000Z" });

    // The same tick again (a retried step) is the same run; later ticks hold nothing.
    expect(
      (await tick("2028-02-29T08:00:00Z", "2028-02-29T07:59:00Z", workflowId)).started,
    ).toEqual(fired.started);
    expect((await tick("2028-02-29T08:01:00Z", "2028-02-29T08:00:00Z", workflowId)).due).toEqual(
      [],
    );
    // Even after downtime that spans it: the latest missed time is the one that already ran.
    const after = await tick("2028-02-29T12:00:00Z", "2028-02-29T07:00:00Z", workflowId);
    expect(after.started).toEqual(fired.started);
    expect(await runsOf(workflowId)).toHaveLength(1);

    const { loadPlanCard } = await import("@/lib/workflows/plan-card");
    const { getWorkflow } = await import("@/lib/db/workflow-queries");
    const workflow = await getWorkflow({ id: workflowId, userId: h.userId });
    const card = await loadPlanCard({
      userId: h.userId,
      versionId: String(workflow?.activeVersionId),
    });
    expect(card.trigger).toBe("Once, on Tue 29 Feb 2028 at 09:00 (Europe/Berlin)");
    expect(card.once).toMatchObject({
      at: "2028-02-29T08:00:00.000Z",
      state: "ran",
      run: { id: fired.started[0], status: "succeeded", late: false },
    });
  });

  it("starts late after downtime within a day, marked late; not after more than a day", async () => {
    const { listRunEvents } = await import("@/lib/db/run-queries");
    const late = await h.workflow(remind({ at: "2028-03-01T10:00:00Z", timezone: "UTC" }));
    const lost = await h.workflow(remind({ at: "2028-03-01T01:00", timezone: "UTC" }));

    // Nothing ticked from 09:00 to 15:00: the 15:00 tick starts it, late.
    const back = await tick("2028-03-01T15:00:00Z", "2028-03-01T09:00:00Z", late);
    expect(back.due.map((run) => [run.at, run.late])).toEqual([["2028-03-01T10:00:00.000Z", true]]);
    const run = await h.finished(back.started[0]);
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe("2028-03-01T10:00:00.000Z");
    const events = await listRunEvents({ runId: run.id });
    expect(events.find((e) => e.message.startsWith("Started late"))?.level).toBe("warn");
    expect((await tick("2028-03-01T15:01:00Z", "2028-03-01T15:00:00Z", late)).due).toEqual([]);
    expect(await runsOf(late)).toHaveLength(1);

    // Down from midnight until noon the next day: 01:00 is more than a day back.
    expect((await tick("2028-03-02T12:00:00Z", "2028-03-01T00:00:00Z", lost)).due).toEqual([]);
    expect(await runsOf(lost)).toHaveLength(0);
  });

  it("never starts a time from before its version was approved", async () => {
    const past = await h.workflow(remind({ at: "2024-01-01T09:00", timezone: "UTC" }));
    expect((await tick("2024-01-01T12:00:00Z", "2024-01-01T08:00:00Z", past)).due).toEqual([]);
  });
});
