// A known run history for the history and metrics tests: runs of one workflow spread over a
// week, with their step attempts, inserted directly (the app path is tested elsewhere).
import type { Database } from "@/lib/db/client";
import { runSteps, runs } from "@/lib/db/schema";

export const NOW = new Date("2026-03-10T12:20:00Z");
const HOUR = 3_600_000;

export type SeedRun = {
  id: string;
  status: "succeeded" | "failed" | "cancelled" | "running";
  trigger: Record<string, unknown>;
  kind: "manual" | "chat" | "schedule" | "webhook" | "event";
  createdAt: Date;
  durationMs: number | null;
  failedStep: string | null;
  error: string | null;
  /** Per step: attempts' durations and whether the last one failed. */
  steps: { stepId: string; durations: number[]; failed: boolean }[];
};

const TRIGGERS: [SeedRun["kind"], Record<string, unknown>][] = [
  ["manual", { type: "manual", inputs: {} }],
  ["schedule", { type: "schedule", scheduledAt: "x" }],
  ["chat", { type: "manual", inputs: {}, via: "chat" }],
  ["webhook", { type: "webhook", body: {} }],
  ["event", { type: "event", name: "run.failed", data: {} }],
  ["schedule", { type: "schedule", scheduledAt: "y" }],
];

/** 30 runs, one every 5 h back from `now`, plus a pair created in the same microsecond. */
export function seedRuns(now: Date = NOW): SeedRun[] {
  const seeds: SeedRun[] = [];
  for (let i = 0; i < 30; i++) {
    const [kind, trigger] = TRIGGERS[i % TRIGGERS.length];
    const status: SeedRun["status"] =
      i === 0 ? "running" : i % 4 === 1 ? "failed" : i % 9 === 8 ? "cancelled" : "succeeded";
    const failedStep = status === "failed" ? (i % 3 === 0 ? "post" : "fetch") : null;
    const fetchRetries = i % 5 === 2 ? 2 : i % 5 === 3 ? 1 : 0;
    const steps: SeedRun["steps"] = [
      {
        stepId: "fetch",
        durations: Array.from({ length: fetchRetries + 1 }, (_, a) => 200 + i * 10 + a),
        failed: failedStep === "fetch",
      },
    ];
    if (failedStep !== "fetch") {
      steps.push({ stepId: "summarize", durations: [1000 + i * 100], failed: false });
      steps.push({ stepId: "post", durations: [50 + i], failed: failedStep === "post" });
    }
    seeds.push({
      id: crypto.randomUUID(),
      status,
      trigger,
      kind,
      createdAt: new Date(now.getTime() - i * 5 * HOUR - 7 * 60_000),
      durationMs: status === "running" ? null : (i + 1) * 1000,
      failedStep,
      error: failedStep ? `boom ${i} at ${failedStep}` : null,
      steps,
    });
  }
  // Two runs created in the same instant: pages must still neither repeat nor skip them.
  const same = new Date(now.getTime() - 41 * HOUR);
  for (let k = 0; k < 2; k++) {
    seeds.push({
      id: crypto.randomUUID(),
      status: "succeeded",
      trigger: { type: "manual", inputs: {} },
      kind: "manual",
      createdAt: same,
      durationMs: 500,
      failedStep: null,
      error: null,
      steps: [{ stepId: "fetch", durations: [100], failed: false }],
    });
  }
  return seeds;
}

export async function insertSeed(
  db: Database,
  { workflowId, versionId, userId }: { workflowId: string; versionId: string; userId: string },
  seeds: SeedRun[],
) {
  await db.insert(runs).values(
    seeds.map((seed) => ({
      id: seed.id,
      workflowId,
      versionId,
      userId,
      trigger: seed.trigger,
      status: seed.status,
      error: seed.failedStep ? { step: seed.failedStep, message: seed.error } : null,
      createdAt: seed.createdAt,
      startedAt: seed.createdAt,
      finishedAt:
        seed.durationMs === null ? null : new Date(seed.createdAt.getTime() + seed.durationMs),
    })),
  );
  const stepRows = seeds.flatMap((seed) =>
    seed.steps.flatMap((step) =>
      step.durations.map((duration, index) => {
        const last = index === step.durations.length - 1;
        const startedAt = new Date(seed.createdAt.getTime() + index * 1000);
        return {
          runId: seed.id,
          stepId: step.stepId,
          attempt: index + 1,
          status: (!last || step.failed ? "failed" : "succeeded") as "failed" | "succeeded",
          error: !last || step.failed ? { message: "attempt failed" } : null,
          startedAt,
          finishedAt: new Date(startedAt.getTime() + duration),
          durationMs: duration,
        };
      }),
    ),
  );
  if (stepRows.length > 0) await db.insert(runSteps).values(stepRows);
}
