// Schedule triggers: the tick finds what fired in its minute, in the plan's time zone, and
// starts exactly one run per fire time however often it is repeated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { freePort } from "../engine/processes";
import { createRunsHarness, plan, pointAppAt, type RunsHarness } from "./harness";

const port = await freePort();
process.env.INNGEST_EMBEDDED_PORT = String(port);
resetEnvForTests();

const { findDueRuns, startScheduledRun } = await import("@/lib/runs/schedules");

// 03:00 in Berlin on 29 February: never due while the test runs, so the real tick stays out.
const leapDay = { type: "schedule", cron: "0 3 29 2 *", timezone: "Europe/Berlin" };

describe("scheduled runs", () => {
  let h: RunsHarness;
  beforeAll(async () => {
    h = await createRunsHarness("pglite", { port });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts one run per fire time, with the scheduled time in its trigger", async () => {
    pointAppAt(h.database);
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
    pointAppAt(h.database);
    const manual = await h.workflow(plan([{ id: "a", action: "transform", input: { value: 1 } }]));
    const due = await findDueRuns(
      new Date("2028-02-29T01:59:00Z"),
      new Date("2028-02-29T02:00:00Z"),
    );
    expect(due.map((d) => d.workflowId)).not.toContain(manual);
  });
});
