// Reads one wait of a run as every decider sees it: the plan step (what is asked), the stored
// signal, the deadline its `:arm` computed and the run's status, with where it stands
// (lib/runs/wait-decision.ts). The resume link, the run card's route and the chat tool go
// through here, so they refuse the same things with the same words.
import "server-only";
import { getWaitDeadline, getWaitSignal, listUnitAttempts } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format/time";
import type { PlanStep } from "@/lib/plan/schema";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import {
  decidedBy,
  decisionOf,
  decisionWord,
  expiredAt,
  type WaitDecision,
  type WaitFacts,
  type WaitState,
  waitStateOf,
} from "./wait-decision";

export type WaitKind = "approval" | "event" | "delay";

export function waitKindOf(action: string): WaitKind {
  if (action === "wait.approval") return "approval";
  if (action === "wait.event") return "event";
  return "delay";
}

export interface WaitSnapshot {
  run: Run;
  stepId: string;
  step: PlanStep;
  kind: WaitKind;
  workflowTitle: string;
  state: WaitState;
  /** When the wait gives up (ISO), once the run reached it. */
  deadline: string | null;
  decidedAt: string | null;
  decision: WaitDecision | null;
  expiredAt: string | null;
}

/** The wait step `stepId` of the run's pinned plan, or undefined when it is not a wait. */
export async function loadWaitStep(run: Run, stepId: string) {
  const pinned = await loadPinnedPlan({ versionId: run.versionId, userId: run.userId });
  if (!pinned.ok) return undefined;
  const step = [...pinned.plan.steps, ...(pinned.plan.onFailure ?? [])].find(
    (s) => s.id === stepId,
  );
  if (!step?.action.startsWith("wait.")) return undefined;
  return { step, workflowTitle: pinned.workflow.title };
}

/** Where a wait of `run` stands now; undefined when `stepId` is not one of its waits. */
export async function readWait(run: Run, stepId: string): Promise<WaitSnapshot | undefined> {
  const found = await loadWaitStep(run, stepId);
  if (!found) return undefined;
  const [signal, deadline, attempts] = await Promise.all([
    getWaitSignal({ runId: run.id, stepId }),
    getWaitDeadline({ runId: run.id, stepId }),
    listUnitAttempts({ runId: run.id, units: [{ stepId, iteration: -1 }] }),
  ]);
  const facts: WaitFacts = {
    runStatus: run.status,
    deadline: deadline ?? null,
    signaledAt: signal.signaledAt,
    consumedAt: signal.consumedAt,
    skipped: attempts.some((a) => a.status === "skipped"),
  };
  const state = waitStateOf(facts);
  return {
    run,
    stepId,
    step: found.step,
    kind: waitKindOf(found.step.action),
    workflowTitle: found.workflowTitle,
    state,
    deadline: deadline ?? null,
    decidedAt: state === "decided" && signal.signaledAt ? signal.signaledAt.toISOString() : null,
    decision: state === "decided" ? decisionOf(signal.payload, run.userId) : null,
    expiredAt: state === "expired" ? (expiredAt(facts) ?? null) : null,
  };
}

/** A decision refused: what the person is told, in the zone given (UTC when none). */
export function refusalMessage(
  wait: Pick<WaitSnapshot, "state" | "decidedAt" | "decision" | "expiredAt" | "kind">,
  { timeZone, viewerIsOwner = false }: { timeZone?: string; viewerIsOwner?: boolean } = {},
): string {
  const zone = timeZone ?? "UTC";
  const at = (iso: string) => `${formatDateTime(iso, { timeZone: zone, year: true })} ${zone}`;
  switch (wait.state) {
    case "decided": {
      const decision = wait.decision ?? { byOwner: false, from: "link" as const };
      return `Already decided: ${decisionWord(decision)}${wait.decidedAt ? ` at ${at(wait.decidedAt)}` : ""} (${decidedBy(decision, viewerIsOwner)}).`;
    }
    case "expired":
      return wait.kind === "approval"
        ? `This request expired${wait.expiredAt ? ` at ${at(wait.expiredAt)}` : ""}; the run went on without a decision.`
        : `This wait already ended${wait.expiredAt ? ` at ${at(wait.expiredAt)}` : ""}.`;
    case "cancelled":
      return "This run was cancelled; nothing is waiting any more.";
    case "finished":
      return "This run already finished; nothing is waiting any more.";
    case "skipped":
      return "The run went past this step without it; nothing is waiting for it.";
    default:
      return "";
  }
}

/**
 * The 409 for a wait that no longer takes a decision. `details.state` tells API clients which
 * (decided, expired, cancelled, finished, skipped), with the times that go with it.
 */
export function refusal(wait: WaitSnapshot, options: { viewerIsOwner?: boolean } = {}): AppError {
  return new AppError("conflict:run", refusalMessage(wait, options), {
    state: wait.state,
    ...(wait.decidedAt ? { decidedAt: wait.decidedAt } : {}),
    ...(wait.decision ? { decision: wait.decision } : {}),
    ...(wait.expiredAt ? { expiredAt: wait.expiredAt } : {}),
    ...(wait.deadline ? { deadline: wait.deadline } : {}),
  });
}
