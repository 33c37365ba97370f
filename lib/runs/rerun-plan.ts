// What a re-run does again and what it takes from the run it re-runs: pure and client-safe, so
// the server decides with it (lib/runs/rerun.ts) and the run card renders its preview.
//
// A step of the target plan is REUSED (its recorded output taken, nothing executed) iff
//   - it succeeded in the source run and its full output was kept,
//   - it is not the step to re-run from nor downstream of it (`after`, transitively: a step
//     can only read `steps.<id>` of its upstream steps, validation makes sure of it),
//   - it is the same in the source and the target plan (lib/plan/diff.ts), and the plan's time
//     zone is too,
//   - every step it runs after is reused too,
//   - it does not read `trigger` when the inputs were edited or the target's trigger differs,
//   - it does not read `waits.<id>` of a wait that runs again (its link would be the old run's).
// Conservative on purpose: a step that reads the trigger anywhere (its `if`, `forEach`, any
// binding) runs again, whatever field it reads. A loop step is reused whole (every item) or not
// at all; a step skipped in the source (even by its condition) runs again, so its dependents
// do too; `onFailure` steps are never reused.
import type { ActionCatalog } from "@/lib/plan/catalog";
import { diffPlans, type PlanDiff } from "@/lib/plan/diff";
import { stepEffect } from "@/lib/plan/effects";
import { expressionUsage, parseExpression } from "@/lib/plan/expression";
import { expressionSites } from "@/lib/plan/expression-sites";
import { topologicalOrder } from "@/lib/plan/graph";
import { type Plan, type PlanStep, planTimeZone } from "@/lib/plan/schema";

/** Where a re-run starts: the failed step, the start, or a step id of the target plan. */
export type RerunFrom = "failed" | "start" | (string & {});
/** Which plan a re-run runs: the source run's pinned version, or the workflow's active one. */
export type RerunVersion = "pinned" | "latest";

/** What a step will be in the re-run. */
export type RerunFate = "reused" | "runs" | "changed" | "new";

export type RerunSideEffectKind =
  | "email"
  | "slack"
  | "chat"
  | "http"
  | "mcp"
  | "store"
  | "workflow"
  | "approval"
  | "other";

/** What running a step again does outside the run, in words ("sends the email again"). */
export type RerunSideEffect = { kind: RerunSideEffectKind; says: string };

export type RerunStepPreview = {
  id: string;
  title: string | null;
  action: string;
  phase: "main" | "onFailure";
  fate: RerunFate;
  /** Why, in a few words ("after fetch, which runs again"). */
  reason: string;
  /** What running it again does outside the run; null when it is reused or has no side effect. */
  sideEffect: RerunSideEffect | null;
  /** The units whose outputs are reused (the step, or every item of a loop); [] otherwise. */
  reusedUnits: string[];
};

export type RerunRemovedStep = {
  id: string;
  title: string | null;
  action: string;
  phase: "main" | "onFailure";
};

export type RerunPlanPreview = {
  /** As asked: "failed", "start" or a step id. */
  from: string;
  /** The step the re-run starts from; null from the start (or when the failed step is gone). */
  fromStep: string | null;
  /** Every step of the target plan in run order, main steps first, then `onFailure` steps. */
  steps: RerunStepPreview[];
  /** Steps of the source plan the target no longer has. */
  removed: RerunRemovedStep[];
  /** Every unit id whose recorded output is reused. */
  reused: string[];
};

/** How a step of the source run ended, as far as re-running is concerned. */
export type SourceStepOutcome = {
  status: "succeeded" | "failed" | "skipped" | "cancelled" | "not-run";
  /** Its units with a recorded success: `[stepId]`, or a loop's `stepId#i` items. */
  units: string[];
  /** False when its full output is not kept (recorded before outputs were kept whole). */
  outputKept: boolean;
};

export type RerunPlanInput = {
  source: Plan;
  /** The plan the re-run runs: `source` itself on the pinned version. */
  target: Plan;
  sourceStatus: "succeeded" | "failed" | "cancelled";
  /** The step the source run failed at (its `error.step`), if any. */
  failedStep?: string | null;
  /** Outcomes by step id; a step missing here did not run. */
  outcomes: Record<string, SourceStepOutcome>;
  from: RerunFrom;
  inputsEdited: boolean;
  /** For bare expression inputs and each step's side effect (without it, none is claimed). */
  catalog?: ActionCatalog;
};

/**
 * The preview `GET /api/runs/:id/rerun` answers with (and `POST` returns beside the new run):
 * the plan decision plus which versions, how they differ, and the trigger payload.
 */
export type RerunPreview = RerunPlanPreview & {
  /** The run to re-run. */
  runId: string;
  version: RerunVersion;
  /** Version numbers of the source run's pinned plan and of the plan the re-run runs. */
  versions: { pinned: number; target: number };
  /** On `latest` when the two differ: "+ step …", "~ step …" lines (renderPlanDiff). */
  diff: string[] | null;
  trigger: {
    type: "manual" | "schedule" | "webhook" | "event";
    /** What editing replaces: manual inputs, a webhook's body, an event's data; none for a schedule. */
    editable: "inputs" | "body" | "data" | null;
    /** The payload the re-run starts with (edited, or the original's). */
    payload: unknown;
    inputsEdited: boolean;
  };
};

/** One attempt of a unit, as far as outcomes need it (a run_steps row or a WireStep). */
export type RecordedAttempt = {
  stepId: string;
  iteration: number;
  attempt: number;
  status: string;
  output: unknown;
};

const isTruncatedOutput = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  (value as { $truncated?: unknown }).$truncated === true;

/**
 * How each step of the source run ended, from its attempt rows, its loops' end entries and the
 * units whose full output is stored (run_outputs). A loop counts as succeeded only when its end
 * says so and every item succeeded.
 */
export function outcomesFromRecords(args: {
  plan: Plan;
  attempts: readonly RecordedAttempt[];
  loopEnds: readonly { stepId: string; status: string; items: number }[];
  storedOutputs: readonly string[];
}): Record<string, SourceStepOutcome> {
  const stored = new Set(args.storedOutputs);
  const latest = new Map<string, RecordedAttempt>();
  for (const row of args.attempts) {
    const key = row.iteration < 0 ? row.stepId : `${row.stepId}#${row.iteration}`;
    const seen = latest.get(key);
    if (!seen || row.attempt >= seen.attempt) latest.set(key, row);
  }
  const kept = (unit: string) => {
    const row = latest.get(unit);
    return !!row && (!isTruncatedOutput(row.output) || stored.has(unit));
  };
  const asStatus = (status: string | undefined): SourceStepOutcome["status"] => {
    if (status === "succeeded" || status === "failed" || status === "skipped") return status;
    if (status === "running" || status === "waiting" || status === "cancelled") return "cancelled";
    return "not-run";
  };
  const out: Record<string, SourceStepOutcome> = {};
  for (const step of [...args.plan.steps, ...(args.plan.onFailure ?? [])]) {
    const own = latest.get(step.id);
    if (step.forEach === undefined || own) {
      out[step.id] = {
        status: asStatus(own?.status),
        units: own?.status === "succeeded" ? [step.id] : [],
        outputKept: own?.status === "succeeded" && kept(step.id),
      };
      continue;
    }
    const end = args.loopEnds.find((entry) => entry.stepId === step.id);
    const units = Array.from({ length: end?.items ?? 0 }, (_, i) => `${step.id}#${i}`);
    const allSucceeded = units.every((unit) => latest.get(unit)?.status === "succeeded");
    const status =
      end?.status === "succeeded"
        ? allSucceeded
          ? "succeeded"
          : "failed"
        : end?.status === "failed"
          ? "failed"
          : [...latest.keys()].some((key) => key.startsWith(`${step.id}#`))
            ? "cancelled"
            : "not-run";
    out[step.id] = {
      status,
      units: status === "succeeded" ? units : [],
      outputKept: status === "succeeded" && units.every(kept),
    };
  }
  return out;
}

export class RerunPlanError extends Error {
  constructor(
    readonly code: "unknown_step" | "nothing_failed",
    message: string,
  ) {
    super(message);
    this.name = "RerunPlanError";
  }
}

/**
 * What running `step` again does outside the run, if anything: its side-effect class from
 * the action catalog (lib/plan/effects.ts), in words ("sends the email again"). Without a
 * catalog nothing is known, so nothing is claimed.
 */
export function sideEffectOf(
  step: PlanStep,
  catalog?: Pick<ActionCatalog, "get">,
): RerunSideEffect | null {
  if (!catalog) return null;
  const effect = stepEffect(step, catalog);
  if (effect.class === "reads") return null;
  const kind: RerunSideEffectKind = effect.kind === "none" ? "other" : effect.kind;
  return { kind, says: `${effect.does} again${effect.note ? ` (${effect.note})` : ""}` };
}

/** Per step id: whether any of its expressions reads `trigger`, and which `waits.<id>` it reads. */
function stepReads(plan: Plan, catalog?: ActionCatalog) {
  const reads = new Map<string, { trigger: boolean; waits: Set<string> }>();
  const lists = { steps: plan.steps, onFailure: plan.onFailure ?? [] };
  for (const site of expressionSites(plan, { catalog })) {
    if (!site.owner) continue;
    const step = lists[site.owner.list][site.owner.index];
    const entry = reads.get(step.id) ?? { trigger: false, waits: new Set<string>() };
    reads.set(step.id, entry);
    const parsed = parseExpression(site.source);
    if (!parsed.ok) {
      // Unreadable here means it cannot be reasoned about: count it as reading everything.
      entry.trigger = true;
      continue;
    }
    for (const ref of expressionUsage(parsed.ast).references) {
      if (ref.root === "trigger") entry.trigger = true;
      if (ref.root === "waits" && ref.name) entry.waits.add(ref.name);
    }
  }
  return reads;
}

function inRunOrder(steps: readonly PlanStep[]): PlanStep[] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  return topologicalOrder(steps).flatMap((id) => byId.get(id) ?? []);
}

/** Every step that runs after `id` (transitively), `id` included. */
function withDescendants(steps: readonly PlanStep[], id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const step of steps) {
      if (!out.has(step.id) && (step.after ?? []).some((dep) => out.has(dep))) {
        out.add(step.id);
        grew = true;
      }
    }
  }
  return out;
}

function changedIds(diff: PlanDiff): Set<string> {
  return new Set([
    ...diff.steps.changed.map((c) => c.id),
    ...diff.steps.dependencies.map((d) => d.id),
    ...diff.onFailure.changed.map((c) => c.id),
    ...diff.onFailure.dependencies.map((d) => d.id),
  ]);
}

/** The step "failed" means: where the source failed, else its first main step that did not succeed. */
function failedStepOf(input: RerunPlanInput): string | null {
  if (input.sourceStatus === "succeeded") {
    throw new RerunPlanError(
      "nothing_failed",
      "This run succeeded, so no step failed: re-run it from the start or from a step.",
    );
  }
  const mainIds = new Set(input.source.steps.map((step) => step.id));
  if (input.failedStep && mainIds.has(input.failedStep)) return input.failedStep;
  for (const step of inRunOrder(input.source.steps)) {
    if (input.outcomes[step.id]?.status !== "succeeded") return step.id;
  }
  return null;
}

function notSucceededReason(status: SourceStepOutcome["status"] | undefined): string {
  switch (status) {
    case "failed":
      return "failed in the original run";
    case "skipped":
      return "was skipped in the original run";
    case "cancelled":
      return "was cancelled in the original run";
    default:
      return "did not run in the original run";
  }
}

/** Decides which steps a re-run reuses and what it runs again; throws RerunPlanError. */
export function planRerun(input: RerunPlanInput): RerunPlanPreview {
  const { source, target, outcomes } = input;
  const diff = diffPlans(source, target);
  const changed = changedIds(diff);
  const added = new Set([...diff.steps.added, ...diff.onFailure.added].map((step) => step.id));
  const zoneChanged = planTimeZone(source) !== planTimeZone(target);
  const triggerChanged = diff.trigger !== undefined;
  const reads = stepReads(target, input.catalog);
  const main = inRunOrder(target.steps);

  let fromStep: string | null = null;
  if (input.from === "failed") {
    const failed = failedStepOf(input);
    fromStep = failed && target.steps.some((step) => step.id === failed) ? failed : null;
  } else if (input.from !== "start") {
    if (!target.steps.some((step) => step.id === input.from)) {
      const known = target.steps.map((step) => step.id).join(", ");
      throw new RerunPlanError(
        "unknown_step",
        `The plan has no step "${input.from}" to re-run from (its steps: ${known}).`,
      );
    }
    fromStep = input.from;
  }
  const again = fromStep ? withDescendants(target.steps, fromStep) : new Set<string>();

  // First what each step is on its own, then what its neighbours make of it (to a fixed point).
  const why = new Map<string, { fate: RerunFate; reason: string }>();
  const candidates = new Set<string>();
  for (const step of main) {
    const outcome = outcomes[step.id];
    const reading = reads.get(step.id);
    if (added.has(step.id)) why.set(step.id, { fate: "new", reason: "new in this version" });
    else if (changed.has(step.id))
      why.set(step.id, { fate: "changed", reason: "changed in this version" });
    else if (input.from === "start")
      why.set(step.id, { fate: "runs", reason: "the re-run starts from the beginning" });
    else if (step.id === fromStep)
      why.set(step.id, { fate: "runs", reason: "the step the re-run starts from" });
    else if (again.has(step.id))
      why.set(step.id, { fate: "runs", reason: `runs after ${fromStep}, where the re-run starts` });
    else if (outcome?.status !== "succeeded")
      why.set(step.id, { fate: "runs", reason: notSucceededReason(outcome?.status) });
    else if (!outcome.outputKept)
      why.set(step.id, { fate: "runs", reason: "its output was not kept in full" });
    else if (zoneChanged)
      why.set(step.id, { fate: "runs", reason: "the plan's time zone changed" });
    else if (input.inputsEdited && reading?.trigger)
      why.set(step.id, { fate: "runs", reason: "reads the trigger, whose inputs were edited" });
    else if (triggerChanged && reading?.trigger)
      why.set(step.id, { fate: "runs", reason: "reads the trigger, which this version changed" });
    else candidates.add(step.id);
  }
  let settled = false;
  while (!settled) {
    settled = true;
    for (const step of main) {
      if (!candidates.has(step.id)) continue;
      const dep = (step.after ?? []).find((id) => !candidates.has(id));
      const wait = [...(reads.get(step.id)?.waits ?? [])].find((id) => !candidates.has(id));
      if (dep === undefined && wait === undefined) continue;
      candidates.delete(step.id);
      settled = false;
      why.set(step.id, {
        fate: "runs",
        reason:
          dep !== undefined
            ? `runs after ${dep}, which runs again`
            : `uses the link of ${wait}, which runs again`,
      });
    }
  }

  const preview = (step: PlanStep, phase: "main" | "onFailure"): RerunStepPreview => {
    const reused = phase === "main" && candidates.has(step.id);
    const decided =
      phase === "onFailure"
        ? added.has(step.id)
          ? { fate: "new" as const, reason: "new in this version; runs only if the re-run fails" }
          : changed.has(step.id)
            ? { fate: "changed" as const, reason: "changed; runs only if the re-run fails" }
            : { fate: "runs" as const, reason: "runs only if the re-run fails" }
        : reused
          ? {
              fate: "reused" as const,
              reason: "succeeded in the original run; its output is reused",
            }
          : (why.get(step.id) ?? { fate: "runs" as const, reason: "runs again" });
    return {
      id: step.id,
      title: step.title?.trim() || null,
      action: step.action,
      phase,
      ...decided,
      sideEffect: reused ? null : sideEffectOf(step, input.catalog),
      reusedUnits: reused ? [...(outcomes[step.id]?.units ?? [])] : [],
    };
  };
  const steps = [
    ...main.map((step) => preview(step, "main")),
    ...inRunOrder(target.onFailure ?? []).map((step) => preview(step, "onFailure")),
  ];
  const removedOf = (list: readonly PlanStep[], phase: "main" | "onFailure") =>
    list.map((step) => ({
      id: step.id,
      title: step.title?.trim() || null,
      action: step.action,
      phase,
    }));
  return {
    from: input.from,
    fromStep,
    steps,
    removed: [
      ...removedOf(diff.steps.removed, "main"),
      ...removedOf(diff.onFailure.removed, "onFailure"),
    ],
    reused: steps.flatMap((step) => step.reusedUnits),
  };
}
