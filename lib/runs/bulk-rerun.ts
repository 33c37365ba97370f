// How a bulk action re-runs a batch of runs (`RerunBatch`; the default is `bulkRerunBatch`):
// - from the start: nothing is reused, so a batch's records are written in one transaction
//   (`rerunBatchFromStart`): a new run of the source's pinned version (or the workflow's
//   approved one, `version: "latest"`) with the same trigger;
// - from the failed step or a chosen step: each run through the full re-run (`startRerun`,
//   lib/runs/rerun.ts: upstream steps that succeeded are reused), 8 at a time (`perRun`). A
//   source that succeeded has no failed step: "from the failed step" re-runs it from the start.
// Either way the new run's id derives from the action and the source run, so a retried batch
// finds the runs it created. `rerunFromStart` is the per-run shape of the first, for tests.
import "server-only";
import type { inngest as appClient } from "@/inngest/client";
import { runRequested } from "@/inngest/client";
import { createBulkRerunRun, createBulkRerunRuns } from "@/lib/db/bulk-queries";
import type { Run } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import { derivedUuid } from "./derived-id";
import { startRerun } from "./rerun";
import { isTerminal } from "./status";

type Sender = Pick<typeof appClient, "send">;

export type RerunOneArgs = {
  userId: string;
  runId: string;
  /** "failed" | "start" | a step id. */
  from: string;
  version: "pinned" | "latest";
  newRunId: string;
  bulkActionId: string;
  /** Where the run's start event goes: the job collects them and sends one batch. */
  client: Sender;
};

/** Starts one re-run (the signature `startRerun` takes, narrowed); answers the new run. */
export type RerunOne = (args: RerunOneArgs & { source?: Run }) => Promise<Pick<Run, "id">>;

/** The id of the re-run a bulk action makes of a source run. */
export function bulkRerunId(bulkActionId: string, sourceRunId: string): string {
  return derivedUuid(`bulk:${bulkActionId}>${sourceRunId}`, "8");
}

/** The plain re-run (see the file header); `source` saves reading the run again. */
export const rerunFromStart: RerunOne = async ({
  userId,
  runId,
  from,
  version,
  newRunId,
  bulkActionId,
  client,
  source,
}) => {
  if (!source || source.id !== runId || source.userId !== userId) {
    throw new AppError("not_found:run", "This run does not exist or is not yours.");
  }
  if (!isTerminal(source.status)) {
    throw new AppError("conflict:run", "This run has not ended yet, so it cannot be re-run.");
  }
  let versionId = source.versionId;
  if (version === "latest") {
    const workflow = await getWorkflow({ id: source.workflowId, userId });
    if (!workflow?.activeVersionId) {
      throw new AppError("conflict:workflow", "This workflow has no approved version to run.");
    }
    versionId = workflow.activeVersionId;
  }
  const { run } = await createBulkRerunRun({
    id: newRunId,
    source,
    versionId,
    bulkActionId,
    // What happened, not what was asked: this re-run starts over (no step is reused).
    rerun: { from: "start", requestedFrom: from, version, reused: [], inputsEdited: false },
  });
  if (run.status === "queued") {
    await client.send(
      runRequested.create(
        { runId: run.id, userId, workflowId: run.workflowId, versionId: run.versionId, depth: 0 },
        { id: `run-${run.id}` },
      ),
    );
  }
  return run;
};

export type RerunBatchArgs = {
  userId: string;
  sources: Run[];
  from: string;
  version: "pinned" | "latest";
  bulkActionId: string;
  /** Where the runs' start events go: the job collects them and sends them in a few requests. */
  client: Sender;
};
/** A run of the batch that could not be re-run, with a message safe to show. */
export type RerunFailure = { runId: string; message: string };
/** Re-runs a batch of source runs; answers the ones that failed. */
export type RerunBatch = (args: RerunBatchArgs) => Promise<RerunFailure[]>;

const PARALLEL = 8;

const messageOf = (error: unknown) =>
  error instanceof AppError ? error.message : "A server error stopped this run's re-run.";

/** A per-run re-run (`startRerun`) as a batch: 8 runs at a time, failures collected. */
export function perRun(rerunOne: RerunOne, onError?: (error: unknown) => void): RerunBatch {
  return async ({ sources, ...args }) => {
    const failures: RerunFailure[] = [];
    let next = 0;
    const lane = async () => {
      while (next < sources.length) {
        const source = sources[next++];
        try {
          await rerunOne({
            ...args,
            runId: source.id,
            newRunId: bulkRerunId(args.bulkActionId, source.id),
            source,
          });
        } catch (error) {
          if (!(error instanceof AppError)) onError?.(error);
          failures.push({ runId: source.id, message: messageOf(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, sources.length) }, lane));
    return failures;
  };
}

/** The plain re-run of a whole batch (see the file header): three statements and the events. */
export const rerunBatchFromStart: RerunBatch = async ({
  userId,
  sources,
  from,
  version,
  bulkActionId,
  client,
}) => {
  const failures: RerunFailure[] = [];
  const latest = new Map<string, string | null>();
  if (version === "latest") {
    for (const workflowId of new Set(sources.map((source) => source.workflowId))) {
      latest.set(
        workflowId,
        (await getWorkflow({ id: workflowId, userId }))?.activeVersionId ?? null,
      );
    }
  }
  const reruns = sources.flatMap((source) => {
    const fail = (message: string) => {
      failures.push({ runId: source.id, message });
      return [];
    };
    if (source.userId !== userId) return fail("This run does not exist or is not yours.");
    if (!isTerminal(source.status)) {
      return fail("This run has not ended yet, so it cannot be re-run.");
    }
    const versionId = version === "latest" ? latest.get(source.workflowId) : source.versionId;
    if (!versionId) return fail("This workflow has no approved version to run.");
    return [
      {
        id: bulkRerunId(bulkActionId, source.id),
        source,
        versionId,
        rerun: { from: "start", requestedFrom: from, version, reused: [], inputsEdited: false },
      },
    ];
  });
  const created = await createBulkRerunRuns({ bulkActionId, reruns });
  const queued = created.filter((run) => run.status === "queued");
  if (queued.length > 0) {
    await client.send(
      queued.map((run) =>
        runRequested.create(
          { runId: run.id, userId, workflowId: run.workflowId, versionId: run.versionId, depth: 0 },
          { id: `run-${run.id}` },
        ),
      ),
    );
  }
  return failures;
};

/** One full re-run (`startRerun`), as a bulk action starts it: no card in the thread. */
export const fullRerun: RerunOne = async ({ source, from, ...args }) => {
  const start = from === "failed" && source?.status === "succeeded" ? "start" : from;
  const { run } = await startRerun({ ...args, from: start });
  return run;
};

/** The default: one transaction per batch from the start, else the full re-run per run. */
export const bulkRerunBatch: RerunBatch = (args) =>
  args.from === "start"
    ? rerunBatchFromStart(args)
    : perRun(fullRerun, (error) => logError("[bulk] a re-run failed", error))(args);
