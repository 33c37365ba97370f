// Root resolvers for the Dev Server GraphQL slice, over the executor's run and event records.
// A run is its root span; every stored or attempted step is a child span. Output ids are
// opaque to clients but readable here: `run:<runId>` or `step:<runId>:<stepHash>`.
import type { RunDetail, RunStatus, RunStep } from "../interfaces";
import { getEvent } from "../sql/get-event";
import { getFunctionName } from "../sql/get-function-name";
import { getRun } from "../sql/get-run";
import { getStep } from "../sql/get-step";
import { listRunMetadata, type StoredMetadata } from "../sql/list-run-metadata";
import { listRuns } from "../sql/list-runs";
import type { Queryable } from "../sql-client";

type SpanStatus = "QUEUED" | "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "CANCELLED";

const runStatus: Record<RunStatus, SpanStatus> = {
  queued: "QUEUED",
  running: "RUNNING",
  completed: "COMPLETED",
  failed: "FAILED",
  cancelled: "CANCELLED",
};

const stepStatus: Record<RunStep["status"], SpanStatus> = {
  completed: "COMPLETED",
  failed: "FAILED",
  running: "RUNNING",
  retrying: "RUNNING",
};

type StepErrorShape = { message: string; name: string | null; stack: string | null };

function toStepError(error: unknown): StepErrorShape {
  if (error && typeof error === "object") {
    const e = error as { message?: unknown; name?: unknown; stack?: unknown };
    return {
      message: typeof e.message === "string" ? e.message : JSON.stringify(error),
      name: typeof e.name === "string" ? e.name : null,
      stack: typeof e.stack === "string" ? e.stack : null,
    };
  }
  return {
    message: error === undefined || error === null ? "Unknown error" : String(error),
    name: null,
    stack: null,
  };
}

const ms = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, Math.round(to.getTime() - from.getTime())) : null;

/** A run's metadata by target: '' for the run's root span, else the step's hashed id. */
type MetadataByTarget = Map<string, StoredMetadata[]>;

function spanMetadata(metadata: MetadataByTarget, target: string) {
  return (metadata.get(target) ?? []).map((m) => ({
    scope: m.scope,
    kind: m.kind,
    values: m.values,
    updatedAt: m.updated_at,
  }));
}

function stepSpan(run: RunDetail, step: RunStep, metadata: MetadataByTarget) {
  const startedAt = step.attempts[0]?.startedAt ?? null;
  const ended = step.status === "completed" || step.status === "failed";
  return {
    name: step.name ?? step.id,
    runID: run.id,
    spanID: `${run.id}:${step.id}`,
    stepID: step.id,
    isRoot: false,
    status: stepStatus[step.status],
    attempts: step.attempts.length,
    queuedAt: startedAt ?? step.completedAt ?? run.createdAt,
    startedAt,
    endedAt: step.completedAt,
    duration: ms(startedAt, step.completedAt),
    outputID: ended ? `step:${run.id}:${step.id}` : null,
    childrenSpans: [],
    metadata: spanMetadata(metadata, step.id),
  };
}

function rootSpan(run: RunDetail, functionName: string, metadata: MetadataByTarget) {
  const ended = run.status === "completed" || run.status === "failed" || run.status === "cancelled";
  return {
    name: functionName,
    runID: run.id,
    spanID: run.id,
    stepID: null,
    isRoot: true,
    status: runStatus[run.status],
    attempts: run.functionErrors.length + 1,
    queuedAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    duration: ms(run.startedAt, run.endedAt),
    outputID: ended ? `run:${run.id}` : null,
    childrenSpans: run.steps.map((step) => stepSpan(run, step, metadata)),
    metadata: spanMetadata(metadata, ""),
  };
}

function runNode(q: Queryable, run: RunDetail, functionName: string) {
  return {
    id: run.id,
    functionID: run.functionId,
    appID: run.appId,
    eventID: run.eventId,
    status: runStatus[run.status],
    queuedAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    output: run.status === "completed" ? JSON.stringify(run.output ?? null) : null,
    trace: async () => {
      const metadata: MetadataByTarget = new Map();
      for (const m of await listRunMetadata(q, run.id)) {
        metadata.set(m.step, [...(metadata.get(m.step) ?? []), m]);
      }
      return rootSpan(run, functionName, metadata);
    },
  };
}

async function loadRun(q: Queryable, id: string) {
  const run = await getRun(q, id);
  return run ? runNode(q, run, (await getFunctionName(q, run.functionId)) ?? run.functionId) : null;
}

async function spanOutput(q: Queryable, outputID: string) {
  const [kind, runId, hash] = outputID.split(":");
  if (!runId) return null;
  if (kind === "run") {
    const run = await getRun(q, runId);
    if (!run) return null;
    if (run.status === "completed")
      return { data: JSON.stringify(run.output ?? null), error: null };
    if (run.status === "failed" || run.status === "cancelled") {
      return { data: null, error: toStepError(run.error) };
    }
    return null;
  }
  if (kind === "step" && hash) {
    const step = await getStep(q, runId, hash);
    if (!step) return null;
    // The stored memo is `{ data }`, `{ error }`, a raw event (waitForEvent) or null.
    const memo = step.output as { data?: unknown; error?: unknown } | null;
    if (step.status === "failed" || (memo && typeof memo === "object" && "error" in memo)) {
      return { data: null, error: toStepError(memo?.error) };
    }
    const data = memo && typeof memo === "object" && "data" in memo ? memo.data : memo;
    return { data: JSON.stringify(data ?? null), error: null };
  }
  return null;
}

async function loadEvent(q: Queryable, id: string) {
  const event = await getEvent(q, id);
  if (!event) return null;
  const payload = event.payload;
  const receivedAt = new Date(event.received_at);
  return {
    id: event.id,
    name: event.name,
    raw: JSON.stringify(event.payload),
    // An event's `id` is its idempotency key; events sent without one get their own id.
    idempotencyKey: event.idempotency_key ?? (payload.id as string | undefined) ?? event.id,
    receivedAt,
    occurredAt: typeof event.payload.ts === "number" ? new Date(event.payload.ts) : receivedAt,
    runs: async () => {
      const runs = await listRuns(q, { eventId: event.id });
      const nodes = await Promise.all(runs.map((r) => loadRun(q, r.id)));
      return nodes.filter((n) => n !== null);
    },
  };
}

/** The root value for `graphql()`: one function per Query field. */
export function devServerRoot(q: Queryable) {
  return {
    run: ({ runID }: { runID: string }) => loadRun(q, runID),
    runTraceSpanOutputByID: ({ outputID }: { outputID: string }) => spanOutput(q, outputID),
    eventV2: ({ id }: { id: string }) => loadEvent(q, id),
  };
}
