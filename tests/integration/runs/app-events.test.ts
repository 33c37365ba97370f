// Who listens for an app event the chat sends (lib/runs/app-events.ts): the person's active
// workflows whose trigger names it — not a draft, not a paused one, not another event's, not
// another person's — on both drivers.
import { describe, expect, it } from "vitest";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

describe.each(drivers)("listeners of an app event on %s", (driver) => {
  queriesDatabase(driver);

  it("finds only the person's active workflows whose trigger names the event", async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const { markWorkflowPaused } = await import("@/lib/db/workflow-queries");
    const ana = (
      await q.createUser({ email: `ana-events-${driver}@example.com`, passwordHash: "x" })
    ).id;
    const bo = (await q.createUser({ email: `bo-events-${driver}@example.com`, passwordHash: "x" }))
      .id;
    const onEvent = (event: string) => ({
      version: 1,
      title: `On ${event}`,
      trigger: { type: "event", event },
      steps: [{ id: "x", action: "transform", input: { value: 1 } }],
    });
    const make = async (userId: string, event: string, approve: boolean) => {
      const { workflow, version } = await w.createWorkflow({
        userId,
        title: event,
        plan: onEvent(event),
        author: "person",
      });
      if (approve) {
        await w.approveWorkflowVersion({ userId, workflowId: workflow.id, versionId: version.id });
      }
      return workflow.id;
    };
    const listens = (userId: string, eventName: string) =>
      w.hasEventTriggeredWorkflow({ userId, eventName });

    await make(ana, "thread/message.posted", false);
    expect(await listens(ana, "thread/message.posted")).toBe(false);
    await make(bo, "thread/message.posted", true);
    expect(await listens(ana, "thread/message.posted")).toBe(false);
    await make(ana, "workflow/run.failed", true);
    expect(await listens(ana, "thread/message.posted")).toBe(false);
    expect(await listens(ana, "workflow/run.failed")).toBe(true);

    const active = await make(ana, "thread/message.posted", true);
    expect(await listens(ana, "thread/message.posted")).toBe(true);
    await markWorkflowPaused({ id: active, userId: ana, now: new Date() });
    expect(await listens(ana, "thread/message.posted")).toBe(false);
    expect(await listens(bo, "thread/message.posted")).toBe(true);
  });
});
