// Schedule triggers: the tick finds what fired in its minute, in the plan's time zone, and
// starts exactly one run per fire time however often it is repeated; after downtime it starts
// the latest missed fire time of each workflow, marked late.
import { describe, expect, it } from "vitest";
import { appClientPort, harnessFor, plan } from "./harness";

const port = await appClientPort();

const { findDueRuns, findMissedRuns, startScheduledRun, tickWindows, CATCH_UP_MS } = await import(
  "@/lib/runs/schedules"
);

// 03:00 in Berlin on 29 February: never due while the test runs, so the real tick stays out.
const leapDay = { type: "schedule", cron: "0 3 29 2 *", timezone: "Europe/Berlin" };

describe("scheduled runs", () => {
  const h = harnessFor("pglite", { port });

  it("starts one run per fire time, with the scheduled time in its trigger", async () => {
    const workflowId = await h.workflow(
      plan([{ id: "when", action: "transform", input: { value: "{{ trigger.scheduledAt }}" } }], {
        trigger: leapDay,
      }),
    );
    // 03:00 CET is 02:00 UTC.
    const before = await findDueRuns(
      new Date("2028-02-29T01:58:00Z"),
      new Date("2028-02-29T01:59:00Z"),
    );
    expect(before.filter((d) => d.workflowId === workflowId)).toEqual([]);
    const due = (
      await findDueRuns(new Date("2028-02-29T01:59:00Z"), new Date("2028-02-29T02:00:00Z"))
    ).filter((d) => d.workflowId === workflowId);
    expect(due.map((d) => d.at)).toEqual(["2028-02-29T02:00:00.000Z"]);

    const first = await startScheduledRun(due[0], h.client);
    const again = await startScheduledRun(due[0], h.client);
    expect(again).toBe(first);
    const run = await h.finished(first);
    expect(run.status).toBe("succeeded");
    expect(run.trigger).toEqual({ type: "schedule", scheduledAt: "2028-02-29T02:00:00.000Z" });

    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const runs = await listRecentRuns({ userId: h.userId, workflowId });
    expect(runs.map((r) => r.run.id)).toEqual([first]);
  });

  it("ignores workflows whose trigger is not a schedule", async () => {
    const manual = await h.workflow(plan([{ id: "a", action: "transform", input: { value: 1 } }]));
    const due = await findDueRuns(
      new Date("2028-02-29T01:59:00Z"),
      new Date("2028-02-29T02:00:00Z"),
    );
    expect(due.map((d) => d.workflowId)).not.toContain(manual);
  });

  it("covers the gap since the last tick after downtime, at most a day back", () => {
    const at = new Date("2028-02-29T05:00:00Z");
    const minute = new Date("2028-02-29T04:59:00Z");
    // First tick ever, or the previous minute was ticked: just the minute that ended.
    expect(tickWindows(at, null)).toEqual({ due: [minute, at], missed: null });
    expect(tickWindows(at, minute)).toEqual({ due: [minute, at], missed: null });
    const gap = tickWindows(at, new Date("2028-02-29T01:00:00Z"));
    expect(gap.missed).toEqual([new Date("2028-02-29T01:00:00Z"), minute]);
    const week = tickWindows(at, new Date("2028-02-22T05:00:00Z"));
    expect(week.missed?.[0]).toEqual(new Date(at.getTime() - CATCH_UP_MS));
  });

  it("starts the latest missed fire time of each schedule once, marked late", async () => {
    const { listRunEvents, listRecentRuns } = await import("@/lib/db/run-queries");
    // Hourly on leap day 2028 (never while the test runs): missed 02:00 … 04:00 UTC.
    const hourly = await h.workflow(
      plan([{ id: "when", action: "transform", input: { value: "{{ trigger.scheduledAt }}" } }], {
        trigger: { type: "schedule", cron: "0 * 29 2 *", timezone: "UTC" },
      }),
    );
    const missed = (
      await findMissedRuns(new Date("2028-02-29T01:30:00Z"), new Date("2028-02-29T04:59:00Z"))
    ).filter((d) => d.workflowId === hourly);
    expect(missed.map((d) => [d.at, d.late])).toEqual([["2028-02-29T04:00:00.000Z", true]]);
    // Fire times from before the version was approved are not "missed".
    const beforeApproval = await findMissedRuns(
      new Date("2024-02-29T00:00:00Z"),
      new Date("2024-02-29T23:00:00Z"),
    );
    expect(beforeApproval.filter((d) => d.workflowId === hourly)).toEqual([]);

    const runId = await startScheduledRun(missed[0], h.client);
    const run = await h.finished(runId);
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe("2028-02-29T04:00:00.000Z");
    const events = await listRunEvents({ runId });
    expect(events.find((e) => e.message.startsWith("Started late"))?.level).toBe("warn");
    // The same fire time from a repeated tick is the same run.
    expect(await startScheduledRun(missed[0], h.client)).toBe(runId);
    expect(await listRecentRuns({ userId: h.userId, workflowId: hourly })).toHaveLength(1);
  });
});
