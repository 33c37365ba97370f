"use client";

// Renders the planner's message parts: a saved plan as its card, a plan the validator
// refused as the errors (and, once the attempts are used up, a clear refusal), and a call
// whose input could not be read as a short notice; the model is told and tries again.
import type { DynamicToolUIPart } from "ai";
import type { RepairOutcome } from "@/lib/ai/planner-outcomes";
import type { PlannerRejected } from "@/lib/ai/tools/planner-types";
import type { ChatMessage } from "@/lib/ai/types";
import { PlanCard } from "./plan-card";

type PlannerPart = Extract<
  ChatMessage["parts"][number],
  { type: "tool-proposeWorkflow" | "tool-reviseWorkflow" }
>;

function Pending({ revising }: { revising: boolean }) {
  return (
    <div
      className="animate-pulse rounded-xl border border-dashed border-zinc-300 p-4 text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700"
      data-testid="plan-pending"
      role="status"
    >
      {revising ? "Revising the plan…" : "Drafting a plan…"}
    </div>
  );
}

/** What a failed attempt's box says once the reply went on: fixed, refused, or left as it was. */
function attemptLine(output: PlannerRejected, outcome: RepairOutcome): string {
  const which = `Attempt ${output.attempt} of ${output.maxAttempts} had errors and was not saved`;
  switch (outcome.kind) {
    case "fixed":
      return `${which}; fixed in attempt ${outcome.attempt} (version ${outcome.version}).`;
    case "refused":
      return `${which}; the errors were not fixed within ${outcome.maxAttempts} attempts.`;
    case "stopped":
      return `${which}; no corrected plan followed.`;
    default:
      return `${which}; fixing them…`;
  }
}

function Refused({ output, outcome }: { output: PlannerRejected; outcome: RepairOutcome }) {
  if (output.gaveUp) {
    return (
      <div
        className="rounded-xl border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        data-testid="plan-refused"
      >
        <p className="font-medium">
          No plan was saved: it still had errors after {output.maxAttempts} attempts.
        </p>
        <Issues output={output} open />
      </div>
    );
  }
  const fixed = outcome.kind === "fixed";
  return (
    <div
      className={`rounded-xl border p-3 text-sm ${
        fixed
          ? "border-zinc-200 text-zinc-500 dark:border-zinc-800 dark:text-zinc-400"
          : "border-zinc-200 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      }`}
      data-testid="plan-invalid"
      data-outcome={outcome.kind}
      role={outcome.kind === "fixing" ? "status" : undefined}
    >
      <p className="flex items-start gap-1.5">
        <span
          aria-hidden
          className={`mt-px shrink-0 ${
            fixed
              ? "text-emerald-600 dark:text-emerald-400"
              : outcome.kind === "fixing"
                ? "animate-pulse"
                : "text-amber-600 dark:text-amber-400"
          }`}
        >
          {fixed ? "✓" : outcome.kind === "fixing" ? "…" : "!"}
        </span>
        <span>{attemptLine(output, outcome)}</span>
      </p>
      <Issues output={output} open={false} />
    </div>
  );
}

function Issues({ output, open }: { output: PlannerRejected; open: boolean }) {
  if (output.errors.length === 0) return null;
  return (
    <details className="mt-1 text-xs" open={open}>
      <summary className="cursor-pointer">What was wrong</summary>
      <ul className="mt-1 flex flex-col gap-0.5 [overflow-wrap:anywhere]">
        {output.errors.map((issue) => (
          <li key={`${issue.path}|${issue.message}`}>
            <code className="font-mono">{issue.path || "(plan)"}</code>: {issue.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The SDK's words for a call it could not run: unparsable input or a tool not offered. */
const UNREADABLE = /InvalidToolInput|NoSuchTool|JSON parsing failed|unavailable tool/i;

/** How an unreadable attempt's notice ends once the reply went on. */
function afterUnreadable(outcome: RepairOutcome | undefined): string {
  switch (outcome?.kind) {
    case "fixed":
      return ` fixed in attempt ${outcome.attempt} (version ${outcome.version}).`;
    case "refused":
      return ` not fixed within ${outcome.maxAttempts} attempts.`;
    case "stopped":
      return " no corrected plan followed.";
    default:
      return "";
  }
}

function Unreadable({ errorText, outcome }: { errorText: string; outcome?: RepairOutcome }) {
  const fixed = outcome?.kind === "fixed";
  return (
    <div
      className={`rounded-xl border border-zinc-200 p-3 text-sm dark:border-zinc-800 ${
        fixed ? "text-zinc-500 dark:text-zinc-400" : "text-zinc-600 dark:text-zinc-400"
      }`}
      data-testid="plan-tool-error"
      data-outcome={outcome?.kind}
    >
      <p className="flex items-start gap-1.5">
        {fixed ? (
          <span aria-hidden className="mt-px shrink-0 text-emerald-600 dark:text-emerald-400">
            ✓
          </span>
        ) : null}
        <span>
          {UNREADABLE.test(errorText)
            ? outcome && outcome.kind !== "fixing"
              ? "The model's plan could not be read and was not saved;"
              : "The model's plan could not be read, so nothing was saved."
            : "The plan could not be saved."}
          {afterUnreadable(outcome)}
        </span>
      </p>
      <details className="mt-1 text-xs">
        <summary className="cursor-pointer">Details</summary>
        <p className="mt-1 break-words font-mono">{errorText.slice(0, 600)}</p>
      </details>
    </div>
  );
}

export function PlannerToolPart({
  part,
  outcome = { kind: "fixing" },
}: {
  part: PlannerPart;
  /** For a failed attempt: how the reply's later attempts ended (lib/ai/planner-outcomes.ts). */
  outcome?: RepairOutcome;
}) {
  const revising = part.type === "tool-reviseWorkflow";
  switch (part.state) {
    case "input-streaming":
    case "input-available":
      return <Pending revising={revising} />;
    case "output-available": {
      const output = part.output;
      if (!output) return null;
      return output.ok ? (
        <PlanCard workflowId={output.workflowId} versionId={output.versionId} />
      ) : (
        <Refused output={output} outcome={outcome} />
      );
    }
    case "output-error":
      return <Unreadable errorText={part.errorText} outcome={outcome} />;
    default:
      return null;
  }
}

/** An invalid call (unparsable input, or a tool switched off) arrives as a dynamic tool part. */
export function PlannerDynamicPart({
  part,
  outcome,
}: {
  part: DynamicToolUIPart;
  outcome?: RepairOutcome;
}) {
  if (part.state === "output-error") {
    return <Unreadable errorText={part.errorText} outcome={outcome} />;
  }
  return null;
}

export const isPlannerToolName = (name: string) =>
  name === "proposeWorkflow" || name === "reviseWorkflow";
