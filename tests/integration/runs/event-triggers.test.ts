// Event triggers: a run's end starts the same person's workflows that listen for it, when
// their condition holds — never the workflow itself, never another person's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { freePort } from "../engine/processes";
import { createRunsHarness, plan, pointAppAt, type RunsHarness } from "./harness";

const port = await freePort();
process.env.INNGEST_EMBEDDED_PORT = String(port);
resetEnvForTests();

describe("event triggers", () => {
  let h: RunsHarness;
  beforeAll(async () => {
    h = await createRunsHarness("pglite", { port });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("starts the workflows whose condition holds when a run fails", async () => {
    pointAppAt(h.database);
    const { listRecentRuns } = await import("@/lib/db/run-queries");
    const digest = await h.workflow(
      plan([
        { id: "boom", action: "test.fail", input: { message: "upstream down", retriable: false } },
      ]),
    );
    const onFailure = (status: string) =>
      plan([{ id: "note", action: "transform", input: { value: "{{ trigger.data.status }}" } }], {
        trigger: {
          type: "event",
          event: "workflow/run.finished",
          if: `trigger.data.status = "${status}" and trigger.data.workflowId = "${digest}"`,
        },
      });
    const alert = await h.workflow(onFailure("failed"));
    const cheer = await h.workflow(onFailure("succeeded"));
    const stranger = await h.workflow(onFailure("failed"), await h.user());

    const run = await h.start(digest);
    expect((await h.finished(run.id)).status).toBe("failed");

    const started = await h.waitFor(async () => {
      const rows = await listRecentRuns({ userId: h.userId, workflowId: alert });
      return rows.length > 0 ? rows[0].run : undefined;
    }, "the alert workflow to start");
    const finished = await h.finished(started.id);
    expect(finished.status).toBe("succeeded");
    expect(finished.trigger).toMatchObject({
      type: "event",
      name: "workflow/run.finished",
      data: { runId: run.id, status: "failed" },
    });

    // The alert's own end is an event too; give it time to (not) start anything else.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await listRecentRuns({ userId: h.userId, workflowId: cheer })).toHaveLength(0);
    expect((await listRecentRuns({ userId: h.userId, workflowId: alert })).length).toBe(1);
    const strangerRuns = await h.database.db.query.runs.findMany({
      where: (runs, { eq }) => eq(runs.workflowId, stranger),
    });
    expect(strangerRuns).toHaveLength(0);
  });
});
