// Test runs stay out of what acts on "my runs": a bulk cancel or re-run never matches one (the
// dry run's count, the job's batches), whatever its status, while the person's real runs beside
// it do. (History, metrics and last runs: tests/integration/runs/test-runs.test.ts.)
import { describe, expect, it } from "vitest";
import { runs } from "@/lib/db/schema";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

describe.each(drivers)("test runs and bulk actions on %s", (driver) => {
  const database = queriesDatabase(driver);

  it("never counts or lists a test run for a bulk cancel or re-run", async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const bulk = await import("@/lib/db/bulk-queries");
    const userId = (
      await q.createUser({ email: `bulk-tests-${driver}@example.com`, passwordHash: "x" })
    ).id;
    const made = await w.createWorkflow({
      userId,
      title: "Digest",
      plan: fixturePlan("morning-incident-digest"),
      author: "model",
    });
    const statuses = ["running", "waiting", "failed", "cancelled"] as const;
    const row = (status: (typeof statuses)[number], test: boolean, minutesAgo: number) => ({
      id: crypto.randomUUID(),
      workflowId: made.workflow.id,
      versionId: made.version.id,
      userId,
      trigger: { type: "manual" },
      status,
      test: test ? { waits: {} } : null,
      createdAt: new Date(Date.now() - minutesAgo * 60_000),
    });
    const real = statuses.map((status, i) => row(status, false, 10 + i));
    const tests = statuses.map((status, i) => row(status, true, 20 + i));
    await database.db.insert(runs).values([...real, ...tests]);

    const ids = (status: string[]) =>
      real
        .filter((r) => status.includes(r.status))
        .map((r) => r.id)
        .sort();
    for (const filter of [
      { statuses: ["running", "waiting"] as const },
      { statuses: ["failed"] as const },
      { statuses: ["failed", "cancelled"] as const, workflowId: made.workflow.id },
    ]) {
      const f = { ...filter, statuses: [...filter.statuses] };
      expect(await bulk.countBulkRuns({ userId, filter: f, upTo: "now" })).toBe(
        ids(f.statuses).length,
      );
      const batch = await bulk.listBulkBatch({
        userId,
        filter: f,
        upTo: "now",
        after: null,
        limit: 100,
      });
      expect(batch.map((b) => b.run.id).sort()).toEqual(ids(f.statuses));
    }
  });
});
