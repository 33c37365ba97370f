// Retention: ended runs past RUN_RETENTION_DAYS (failed ones past RUN_RETENTION_FAILED_DAYS,
// test runs past a day) are pruned in batches with their steps, log, signals and outputs; runs still going and
// newer runs stay; the metrics keep their numbers.
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { runEvents, runOutputs, runSteps, runs, waitSignals } from "@/lib/db/schema";
import { fixturePlan } from "../../fixtures/plans";
import { drivers } from "../../helpers/database";
import { queriesDatabase } from "../../helpers/queries";

const DAY = 86_400_000;
const NOW = new Date("2026-09-01T10:00:00Z");

describe.each(drivers)("run retention on %s", (driver) => {
  const database = queriesDatabase(driver, {
    env: { RUN_RETENTION_DAYS: "30", RUN_RETENTION_FAILED_DAYS: "60" },
  });

  it("prunes old ended runs in batches with everything they stored, and keeps the numbers", async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const h = await import("@/lib/db/history-queries");
    const retention = await import("@/lib/runs/retention");
    const ada = (
      await q.createUser({ email: `ada-retention-${driver}@example.com`, passwordHash: "x" })
    ).id;
    const made = await w.createWorkflow({
      userId: ada,
      title: "Digest",
      plan: fixturePlan("morning-incident-digest"),
      author: "model",
    });
    // [age in days, status]: which must go and which must stay with 30 / 60 days.
    const cases: [number, "succeeded" | "failed" | "cancelled" | "waiting", boolean][] = [
      [10, "succeeded", true],
      [29, "failed", true],
      [31, "succeeded", false],
      [35, "cancelled", false],
      [40, "failed", true],
      [59, "failed", true],
      [61, "failed", false],
      [90, "succeeded", false],
      [91, "succeeded", false],
      [92, "succeeded", false],
      [93, "succeeded", false],
      [120, "waiting", true],
    ];
    const rows = cases.map(([age, status]) => ({
      id: crypto.randomUUID(),
      workflowId: made.workflow.id,
      versionId: made.version.id,
      userId: ada,
      trigger: { type: "manual" },
      status,
      error: status === "failed" ? { step: "fetch", message: "HTTP 503" } : null,
      createdAt: new Date(NOW.getTime() - age * DAY),
      startedAt: new Date(NOW.getTime() - age * DAY),
      finishedAt: status === "waiting" ? null : new Date(NOW.getTime() - age * DAY + 1500),
    }));
    await database.db.insert(runs).values(rows);
    await database.db.insert(runSteps).values(
      rows.map((row) => ({
        runId: row.id,
        stepId: "fetch",
        attempt: 1,
        status: row.status === "failed" ? ("failed" as const) : ("succeeded" as const),
        output: { body: "x".repeat(100) },
        durationMs: 700,
      })),
    );
    await database.db
      .insert(runEvents)
      .values(
        rows.map((row) => ({ runId: row.id, seq: 1, message: "Run queued", key: "run:queued" })),
      );
    await database.db
      .insert(runOutputs)
      .values(
        rows.map((row) => ({ runId: row.id, unitId: "fetch", value: { big: true }, size: 12 })),
      );
    await database.db
      .insert(waitSignals)
      .values(rows.map((row) => ({ runId: row.id, stepId: "fetch", armedAt: NOW })));

    const metricsAt = (now: Date) =>
      h.getWorkflowMetrics({
        userId: ada,
        workflowId: made.workflow.id,
        window: "30d",
        now,
        timeZone: "UTC",
      });
    const past = new Date(NOW.getTime() - 62 * DAY);
    const beforePrune = [await metricsAt(NOW), await metricsAt(past)];
    expect(beforePrune[1]?.runs).toBeGreaterThan(0);

    const cutoffs = retention.retentionCutoffs(NOW);
    expect(cutoffs).toEqual({
      before: new Date(NOW.getTime() - 30 * DAY).toISOString(),
      failedBefore: new Date(NOW.getTime() - 60 * DAY).toISOString(),
      testBefore: new Date(NOW.getTime() - DAY).toISOString(),
    });
    // Batches of 2, at most 2 per pass: several passes, each reporting whether more is left.
    const passes: { deleted: number; more: boolean }[] = [];
    for (let n = 0; n < 10; n++) {
      const pass = await retention.pruneOldRuns({ cutoffs, batch: 2, maxBatches: 2 });
      passes.push(pass);
      if (!pass.more) break;
    }
    expect(passes.length).toBeGreaterThan(1);
    expect(passes.reduce((sum, pass) => sum + pass.deleted, 0)).toBe(
      cases.filter(([, , keep]) => !keep).length,
    );
    expect(passes.at(-1)?.more).toBe(false);

    const kept = rows.filter((_, index) => cases[index][2]).map((row) => row.id);
    const left = await database.db
      .select({ id: runs.id })
      .from(runs)
      .where(eq(runs.workflowId, made.workflow.id));
    expect(left.map((row) => row.id).sort()).toEqual([...kept].sort());
    const gone = rows.map((row) => row.id).filter((id) => !kept.includes(id));
    for (const table of [runSteps, runEvents, runOutputs, waitSignals]) {
      const orphans = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(inArray(table.runId, gone));
      expect(orphans[0].n).toBe(0);
      const still = await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(inArray(table.runId, kept));
      expect(still[0].n).toBe(kept.length);
    }

    // The metrics of then and now read the same after pruning (the rollups stay).
    expect([await metricsAt(NOW), await metricsAt(past)]).toEqual(beforePrune);
    expect(await retention.pruneOldRuns({ cutoffs })).toEqual({ deleted: 0, more: false });
  });
  it("prunes ended test runs after a day, whatever their end, and keeps the real runs beside them", async () => {
    const q = await import("@/lib/db/queries");
    const w = await import("@/lib/db/workflow-queries");
    const retention = await import("@/lib/runs/retention");
    const bo = (
      await q.createUser({ email: `bo-retention-${driver}@example.com`, passwordHash: "x" })
    ).id;
    const made = await w.createWorkflow({
      userId: bo,
      title: "Tested",
      plan: fixturePlan("morning-incident-digest"),
      author: "model",
    });
    // [age in hours, status, a test?, kept?]
    const cases: [number, "succeeded" | "failed" | "cancelled" | "running", boolean, boolean][] = [
      [2, "succeeded", true, true],
      [23, "failed", true, true],
      [25, "succeeded", true, false],
      [30, "failed", true, false],
      [48, "cancelled", true, false],
      [72, "running", true, true],
      [48, "succeeded", false, true],
      [48, "failed", false, true],
    ];
    const rows = cases.map(([hours, status, test]) => ({
      id: crypto.randomUUID(),
      workflowId: made.workflow.id,
      versionId: made.version.id,
      userId: bo,
      trigger: { type: "manual" },
      status,
      test: test ? { waits: {} } : null,
      rolledUp: true,
      createdAt: new Date(NOW.getTime() - hours * 3_600_000),
      finishedAt: status === "running" ? null : new Date(NOW.getTime() - hours * 3_600_000 + 900),
    }));
    await database.db.insert(runs).values(rows);
    const cutoffs = retention.retentionCutoffs(NOW);
    expect(await retention.pruneOldRuns({ cutoffs })).toEqual({
      deleted: cases.filter(([, , , kept]) => !kept).length,
      more: false,
    });
    const left = await database.db
      .select({ id: runs.id })
      .from(runs)
      .where(eq(runs.workflowId, made.workflow.id));
    const kept = rows.filter((_, index) => cases[index][3]).map((row) => row.id);
    expect(left.map((row) => row.id).sort()).toEqual([...kept].sort());

    // A retention shorter than a day prunes test runs by it; a pass memoized before test runs
    // had their own cutoff prunes them by the general one.
    const short = retention.retentionCutoffs(NOW, {
      RUN_RETENTION_DAYS: 0.5,
      RUN_RETENTION_FAILED_DAYS: 1,
    } as never);
    expect(short.testBefore).toBe(new Date(NOW.getTime() - 12 * 3_600_000).toISOString());
    await retention.pruneOldRuns({
      cutoffs: { before: short.before, failedBefore: new Date(0).toISOString() },
    });
    const after = await database.db
      .select({ id: runs.id })
      .from(runs)
      .where(eq(runs.workflowId, made.workflow.id));
    // Gone: the 23-hour-old failed test (by the general cutoff) and the real succeeded run.
    expect(after.map((row) => row.id).sort()).toEqual([rows[0].id, rows[5].id, rows[7].id].sort());
  });
});
