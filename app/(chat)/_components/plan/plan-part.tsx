"use client";

// Renders the planner's message parts: a saved plan as its card, a plan the validator
// refused as the errors (and, once the attempts are used up, a clear refusal), and a call
// whose input could not be read as a short notice; the model is told and tries again.
import type { DynamicToolUIPart } from "ai";
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
      className="animate-pulse rounded-xl border border-dashed border-zinc-300 p-4 text-sm text-zinc-500 dark:border-zinc-700"
      data-testid="plan-pending"
      role="status"
    >
      {revising ? "Revising the plan…" : "Drafting a plan…"}
    </div>
  );
}

function Refused({ output }: { output: PlannerRejected }) {
  return (
    <div
      className={`rounded-xl border p-3 text-sm ${
        output.gaveUp
          ? "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          : "border-zinc-200 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      }`}
      data-testid={output.gaveUp ? "plan-refused" : "plan-invalid"}
    >
      <p className="font-medium">
        {output.gaveUp
          ? `No plan was saved: it still had errors after ${output.maxAttempts} attempts.`
          : `The plan had errors and was not saved (attempt ${output.attempt} of ${output.maxAttempts}); fixing them…`}
      </p>
      {output.errors.length > 0 ? (
        <details className="mt-1 text-xs" open={output.gaveUp}>
          <summary className="cursor-pointer">What was wrong</summary>
          <ul className="mt-1 flex flex-col gap-0.5">
            {output.errors.map((issue) => (
              <li key={`${issue.path}|${issue.message}`}>
                <code className="font-mono">{issue.path || "(plan)"}</code>: {issue.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** The SDK's words for a call it could not run: unparsable input or a tool not offered. */
const UNREADABLE = /InvalidToolInput|NoSuchTool|JSON parsing failed|unavailable tool/i;

function Unreadable({ errorText }: { errorText: string }) {
  return (
    <div
      className="rounded-xl border border-zinc-200 p-3 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      data-testid="plan-tool-error"
    >
      <p>
        {UNREADABLE.test(errorText)
          ? "The model's plan could not be read, so nothing was saved."
          : "The plan could not be saved."}
      </p>
      <details className="mt-1 text-xs">
        <summary className="cursor-pointer">Details</summary>
        <p className="mt-1 break-words font-mono">{errorText.slice(0, 600)}</p>
      </details>
    </div>
  );
}

export function PlannerToolPart({ part }: { part: PlannerPart }) {
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
        <Refused output={output} />
      );
    }
    case "output-error":
      return <Unreadable errorText={part.errorText} />;
    default:
      return null;
  }
}

/** An invalid call (unparsable input, or a tool switched off) arrives as a dynamic tool part. */
export function PlannerDynamicPart({ part }: { part: DynamicToolUIPart }) {
  if (part.state === "output-error") return <Unreadable errorText={part.errorText} />;
  return null;
}

export const isPlannerToolName = (name: string) =>
  name === "proposeWorkflow" || name === "reviseWorkflow";
