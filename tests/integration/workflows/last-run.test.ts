import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { runs } from "@/lib/db/schema";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const session = { userId: undefined as string | undefined };
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const greeting = fixturePlan("greeting");

describe.each(drivers)("the last run of each workflow on %s", (driver) => {
  const database = queriesDatabase(driver);
  let q: typeof import("@/lib/db/queries");
  let w: typeof import("@/lib/db/workflow-queries");
  let r: typeof import("@/lib/db/run-queries");

  beforeAll(async () => {
    q = await import("@/lib/db/queries");
    w = await import("@/lib/db/workflow-queries");
    r = await import("@/lib/db/run-queries");
  });

  async function workflow(userId: string, title: string) {
    return w.createWorkflow({ userId, title, plan: { ...greeting, title }, author: "model" });
  }

  /** `count` runs of a workflow, one minute apart, the newest at `newest`. */
  async function addRuns(
    made: Awaited<ReturnType<typeof workflow>>,
    count: number,
    newest: Date,
    status: "succeeded" | "failed" = "succeeded",
  ) {
    const rows = Array.from({ length: count }, (_, index) => ({
      workflowId: made.workflow.id,
      versionId: made.version.id,
      userId: made.workflow.userId,
      trigger: { type: "manual" },
      status,
      createdAt: new Date(newest.getTime() - index * 60_000),
    }));
    return database.db.insert(runs).values(rows).returning();
  }

  it("finds a workflow's last run behind more than 500 newer runs of the same person", async () => {
    const ada = await q.createUser({ email: `ada-last-${driver}@example.com`, passwordHash: "x" });
    const bob = await q.createUser({ email: `bob-last-${driver}@example.com`, passwordHash: "x" });
    const quiet = await workflow(ada.id, "Quiet report");
    const busy = await workflow(ada.id, "Busy webhook");
    const idle = await workflow(ada.id, "Never ran");
    const bobs = await workflow(bob.id, "Bob report");
    const [quietLast] = await addRuns(quiet, 3, new Date("2026-01-10T08:00:00Z"), "failed");
    const [busyLast] = await addRuns(busy, 520, new Date("2026-03-01T08:00:00Z"));
    await addRuns(bobs, 1, new Date("2026-03-02T08:00:00Z"));

    const last = await r.lastRunPerWorkflow({
      userId: ada.id,
      workflowIds: [quiet.workflow.id, busy.workflow.id, idle.workflow.id, bobs.workflow.id],
    });
    const byWorkflow = new Map(last.map((run) => [run.workflowId, run.id]));
    expect(byWorkflow).toEqual(
      new Map([
        [quiet.workflow.id, quietLast.id],
        [busy.workflow.id, busyLast.id],
      ]),
    );
    expect(await r.lastRunPerWorkflow({ userId: ada.id, workflowIds: [] })).toEqual([]);

    session.userId = ada.id;
    const { default: WorkflowsPage } = await import("@/app/(chat)/workflows/page");
    const html = renderToStaticMarkup(await WorkflowsPage());
    const row = (title: string) =>
      html.split('data-testid="workflow-row"').find((part) => part.includes(`>${title}<`)) ?? "";
    expect(row("Quiet report")).toContain(">failed</span>");
    expect(row("Quiet report")).toContain("10 Jan 2026");
    expect(row("Busy webhook")).toContain(">succeeded</span>");
    expect(row("Never ran")).toContain("No runs yet");
    expect(html).not.toContain("Bob report");
  });
});
