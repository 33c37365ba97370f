// Re-running a run that ended: from its failed step (or the start, or a step the person picks),
// on the version it pinned or the workflow's latest approved one, with its trigger payload or
// edited inputs. The new run is a run of its own, linked to its source (`runs.rerun_of_id`), and
// reuses the recorded outputs of the steps the pure decision (rerun-plan.ts) keeps; the
// interpreter copies them (inngest/functions/reused-units.ts).
import "server-only";
import { randomUUID } from "node:crypto";
import type { inngest as appClient } from "@/inngest/client";
import { actionRegistry } from "@/lib/actions/registry";
import { getThread } from "@/lib/db/queries";
import { listLoopEnds, listStoredOutputUnits } from "@/lib/db/rerun-queries";
import { createRun, listRunSteps } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { jsonBytes, MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { diffPlans, renderPlanDiff } from "@/lib/plan/diff";
import { validateManualInputs } from "@/lib/plan/manual-inputs";
import type { Plan } from "@/lib/plan/schema";
import { formatIssues } from "@/lib/plan/validate";
import { requirePlanSecrets } from "@/lib/secrets/plan-secrets";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import {
  outcomesFromRecords,
  planRerun,
  type RerunFrom,
  RerunPlanError,
  type RerunPreview,
  type RerunVersion,
} from "./rerun-plan";
import { postStartedRunCard, requestRun } from "./start-run";
import { isTerminal } from "./status";
import { getOwnedRun } from "./view";

type Sender = Pick<typeof appClient, "send">;

export type RerunRequest = {
  userId: string;
  runId: string;
  from?: RerunFrom;
  version?: RerunVersion;
  /** Edited inputs: a manual run's inputs, a webhook run's body, an event run's data. */
  inputs?: Record<string, unknown>;
};

/** What `runs.rerun` holds for a re-run. */
export type RerunRecord = {
  from: string;
  version: RerunVersion;
  reused: string[];
  inputsEdited: boolean;
};

type TriggerType = RerunPreview["trigger"]["type"];

const EDITABLE: Record<TriggerType, RerunPreview["trigger"]["editable"]> = {
  manual: "inputs",
  webhook: "body",
  event: "data",
  schedule: null,
};

const conflict = (message: string) => new AppError("conflict:run", message);

/** Keys sorted, so two payloads compare by content (jsonb does not keep key order). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

async function readPlan(userId: string, versionId: string, which: string) {
  const pinned = await loadPinnedPlan({ userId, versionId });
  if (!pinned.ok) throw conflict(`The ${which} version of this workflow is unreadable.`);
  return pinned;
}

/**
 * The trigger the re-run starts with: the source's, or with its payload edited. A manual run's
 * inputs are checked against the target plan like "Run now" checks them (defaults filled in).
 */
function rerunTrigger(
  source: Run,
  target: Plan,
  inputs: Record<string, unknown> | undefined,
): { trigger: Record<string, unknown>; payload: unknown; inputsEdited: boolean } {
  const { via: _via, ...original } = (source.trigger ?? {}) as Record<string, unknown>;
  const type = String(original.type) as TriggerType;
  const field = { manual: "inputs", webhook: "body", event: "data", schedule: null }[type];
  if (inputs !== undefined && !field) {
    throw new AppError("bad_request:run", "A scheduled run has no inputs to edit.");
  }
  if (inputs !== undefined && jsonBytes(inputs) > MAX_RUN_INPUT_BYTES) {
    throw new AppError(
      "payload_too_large:run",
      `The inputs are too large (${MAX_RUN_INPUT_BYTES / 1024} KB of JSON at most).`,
    );
  }
  const before = field ? original[field] : null;
  let payload = inputs ?? before ?? null;
  if (type === "manual") {
    const checked = validateManualInputs(
      target.trigger,
      (payload ?? {}) as Record<string, unknown>,
    );
    if (!checked.ok) {
      throw new AppError(
        "bad_request:run",
        `The inputs do not fit this workflow${inputs ? "" : "'s version: edit them"}: ${formatIssues(checked.errors).join("; ")}`,
        { errors: checked.errors },
      );
    }
    payload = checked.inputs;
  }
  const trigger = field ? { ...original, [field]: payload } : original;
  return {
    trigger,
    payload,
    inputsEdited: inputs !== undefined && canonical(payload) !== canonical(before ?? null),
  };
}

/** Everything a re-run is decided from: the source run, both plans, the trigger, the preview. */
async function decideRerun({
  userId,
  runId,
  from = "failed",
  version = "pinned",
  inputs,
}: RerunRequest) {
  const source = await getOwnedRun({ userId, runId });
  if (source.test) {
    throw conflict(
      "This was a test run (nothing was sent): test the plan again instead of re-running it.",
    );
  }
  if (!isTerminal(source.status)) {
    throw conflict(
      `This run has not ended yet (it is ${source.status}): wait for it to end or cancel it before re-running it.`,
    );
  }
  const pinned = await readPlan(userId, source.versionId, "pinned");
  let target = pinned;
  if (version === "latest") {
    const workflow = await getWorkflow({ id: source.workflowId, userId });
    if (!workflow?.activeVersionId) {
      throw conflict(
        "This workflow has no approved version to re-run on: re-run on the pinned version.",
      );
    }
    target = await readPlan(userId, workflow.activeVersionId, "latest");
  }
  const sourceType = (source.trigger as { type?: string } | null)?.type;
  if (target.plan.trigger.type !== sourceType) {
    throw conflict(
      `The latest version has a ${target.plan.trigger.type} trigger and this run a ${sourceType} one: re-run it on its pinned version.`,
    );
  }
  const trigger = rerunTrigger(source, target.plan, inputs);
  const [attempts, loopEnds, storedOutputs] = await Promise.all([
    listRunSteps({ runId }),
    listLoopEnds({ runId }),
    listStoredOutputUnits({ runId }),
  ]);
  let decided: ReturnType<typeof planRerun>;
  try {
    decided = planRerun({
      source: pinned.plan,
      target: target.plan,
      sourceStatus: source.status as "succeeded" | "failed" | "cancelled",
      failedStep: (source.error as { step?: string } | null)?.step ?? null,
      outcomes: outcomesFromRecords({ plan: pinned.plan, attempts, loopEnds, storedOutputs }),
      from,
      inputsEdited: trigger.inputsEdited,
      catalog: actionRegistry,
    });
  } catch (error) {
    if (error instanceof RerunPlanError) throw new AppError("bad_request:run", error.message);
    throw error;
  }
  const differs = target.version.id !== pinned.version.id;
  const diff = differs ? diffPlans(pinned.plan, target.plan) : null;
  const preview: RerunPreview = {
    ...decided,
    runId,
    version,
    versions: { pinned: pinned.version.number, target: target.version.number },
    diff: diff && !diff.unchanged ? renderPlanDiff(diff) : null,
    trigger: {
      type: sourceType as TriggerType,
      editable: EDITABLE[sourceType as TriggerType] ?? null,
      payload: trigger.payload,
      inputsEdited: trigger.inputsEdited,
    },
  };
  return { source, target, trigger: trigger.trigger, preview };
}

/** What a re-run would do, for the person to confirm: nothing is started or stored. */
export async function previewRerun(request: RerunRequest): Promise<RerunPreview> {
  return (await decideRerun(request)).preview;
}

/**
 * Starts a re-run: a new run of the target version with the source's trigger (or the edited
 * payload), linked to its source, that reuses the preview's units; the engine is asked like
 * for any run. With `bulkActionId`, a second call for the same source returns the same run.
 */
export async function startRerun({
  threadId,
  via,
  newRunId = randomUUID(),
  bulkActionId,
  client,
  ...request
}: RerunRequest & {
  threadId?: string | null;
  /** "chat" when the assistant started it; the history shows it. */
  via?: "chat";
  newRunId?: string;
  bulkActionId?: string;
  client?: Sender;
}): Promise<{ run: Run; preview: RerunPreview }> {
  const { userId } = request;
  const { source, target, trigger, preview } = await decideRerun(request);
  if (threadId && threadId !== source.threadId && !(await getThread({ id: threadId, userId }))) {
    throw new AppError("not_found:thread");
  }
  await requirePlanSecrets({ userId, plan: target.plan, doing: "run" });
  const rerun: RerunRecord = {
    from: preview.from,
    version: preview.version,
    reused: preview.reused,
    inputsEdited: preview.trigger.inputsEdited,
  };
  const run = await createRun({
    id: newRunId,
    workflowId: source.workflowId,
    versionId: target.version.id,
    userId,
    threadId: threadId ?? source.threadId,
    trigger: { ...trigger, ...(via ? { via } : {}) },
    rerunOf: { runId: source.id, rerun, bulkActionId },
  });
  await requestRun({ run, client });
  return { run, preview };
}

/** Starts a re-run and puts its live card into the thread; answers with both and the preview. */
export async function startRerunInThread(args: Parameters<typeof startRerun>[0]) {
  const { run, preview } = await startRerun(args);
  const message = await postStartedRunCard({ run, userId: args.userId });
  return { run, preview, message };
}
