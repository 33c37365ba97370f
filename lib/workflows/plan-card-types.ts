// The plan card's data contract: what `GET /api/workflows/<id>/versions/<versionId>` answers
// and the thread page preloads. Browser-safe (types only).
import type { EffectClass, EffectKind } from "@/lib/plan/catalog";
import type { StepExplanation } from "@/lib/plan/explain";
import type { PlanIssue } from "@/lib/plan/issues";
import type { Plan } from "@/lib/plan/schema";

/** What the card shows about an action the plan uses (the browser does not load the catalog). */
export interface CardAction {
  title: string;
  kind: "task" | "wait" | "control";
  sideEffects: boolean;
}

/**
 * A step's side-effect class from the action catalog (lib/plan/effects.ts), for its badge and
 * its details: "writes — sends the POST request", "contacts someone outside".
 */
export interface CardEffect {
  class: EffectClass;
  kind: EffectKind;
  /** The class in words ("notifies someone"). */
  label: string;
  /** What it does ("sends the email"), with its caveat when it has one. */
  does: string;
  /** It reaches someone other than the person (Slack, email to another address). */
  outside: boolean;
}

export type VersionState = "draft" | "approved" | "rejected" | "superseded";
export type WorkflowStatus = "draft" | "active" | "paused" | "archived";

export interface PlanCardData {
  workflow: {
    id: string;
    title: string;
    status: WorkflowStatus;
    /** The version that runs; null until one is approved. */
    activeVersionId: string | null;
    threadId: string | null;
    /** What its scheduled and event-triggered runs add to the thread (lib/runs/notify.ts). */
    notify: "always" | "failures";
    /** Since when it is paused (status `paused`); null otherwise. */
    pausedAt?: string | null;
  };
  version: {
    id: string;
    number: number;
    state: VersionState;
    author: "model" | "person";
    note: string | null;
    createdAt: string;
    approvedAt: string | null;
    rejectedAt: string | null;
    /** When the state changed, in words and in the plan's zone ("12 May 2026, 09:14"). */
    decidedLabel: string | null;
  };
  /**
   * For a rejected version: what the workflow fell back to, the approved version that keeps
   * running, or (nothing ever approved) the earlier version that is a draft again.
   */
  fallback?: { versionId: string; number: number; state: "approved" | "draft" };
  /** True when no newer version exists: only the newest version can be edited. */
  isLatest: boolean;
  latestNumber: number;
  plan: Plan;
  /** The trigger in plain words. */
  trigger: string;
  /**
   * The workflow's limits and its trigger's idempotency key in words ("at most one run at a
   * time", "a repeated delivery with the same id is ignored (24 hours)"); none when it has none.
   */
  limits?: string[];
  /** The zone local times are shown in. */
  timezone: string;
  /** For schedules: the next fire times, labelled in the plan's zone. */
  nextRuns: { at: string; label: string }[];
  /**
   * A one-shot trigger: when it runs and whether it did, read from its run (whose id derives
   * from the workflow and the instant); nothing else records it. `missed`: its time passed
   * with no run (approved too late, paused, or the app was down for more than a day).
   */
  once?: {
    at: string;
    label: string;
    state: "upcoming" | "ran" | "missed";
    run?: { id: string; status: string; at: string; label: string; late: boolean };
  };
  /** Where requests start this workflow: only for the active version of a webhook plan. */
  webhookUrl?: string;
  warnings: PlanIssue[];
  /**
   * What each step's action does ("call GET status.example.com/…"), by step id; its title,
   * condition and loop are shown apart (`explanations`).
   */
  phrases: Record<string, string>;
  /**
   * Each step's condition, otherwise branch, loop and bindings in words, by step id (steps
   * with none of them have empty `inputs` and nothing else).
   */
  explanations: Record<string, StepExplanation>;
  /** The catalog entries of the actions this plan uses; unknown actions are absent. */
  actions: Record<string, CardAction>;
  /** Each step's side-effect class, by step id (main and `onFailure` steps). */
  effects?: Record<string, CardEffect>;
  /** What changed against the version before it (none for version 1). */
  diff: { against: number; lines: string[] } | null;
}
