"use client";

import { useState } from "react";
import { RUN_TOOL_LABELS } from "@/lib/ai/tools/run-tool-types";
import { type ChatMessage, planDataSchema, runDataSchema } from "@/lib/ai/types";
import { Markdown } from "./markdown";
import { PlanCard } from "./plan/plan-card";
import { isPlannerToolName, PlannerDynamicPart, PlannerToolPart } from "./plan/plan-part";
import { RunCard } from "./run/run-card";

type Part = ChatMessage["parts"][number];

/** A run tool call: the run card for a started run, a quiet line for look-ups. */
function RunToolPart({
  part,
}: {
  part: Extract<Part, { type: `tool-${keyof typeof RUN_TOOL_LABELS}` }>;
}) {
  const name = part.type.slice("tool-".length) as keyof typeof RUN_TOOL_LABELS;
  if (part.state === "output-available") {
    const output = part.output as { ok?: boolean; runId?: string; error?: string };
    if (name === "runWorkflow" && output.ok && output.runId)
      return <RunCard runId={output.runId} />;
    if (output.ok === false) {
      return <p className="text-xs text-red-600">{output.error}</p>;
    }
  }
  if (part.state === "output-error") {
    return (
      <p className="text-xs text-red-600">
        {RUN_TOOL_LABELS[name]}: {part.errorText}
      </p>
    );
  }
  return (
    <p className="text-xs text-zinc-500" data-testid="run-tool">
      {part.state === "output-available" ? RUN_TOOL_LABELS[name] : `${RUN_TOOL_LABELS[name]}…`}
    </p>
  );
}

function PartView({ part }: { part: Part }) {
  switch (part.type) {
    case "text":
      return <Markdown>{part.text}</Markdown>;
    case "tool-proposeWorkflow":
    case "tool-reviseWorkflow":
      return <PlannerToolPart part={part} />;
    case "dynamic-tool":
      return isPlannerToolName(part.toolName) ? <PlannerDynamicPart part={part} /> : null;
    case "tool-listWorkflows":
    case "tool-runWorkflow":
    case "tool-listRuns":
    case "tool-getRun":
    case "tool-cancelRun":
      return <RunToolPart part={part} />;
    case "data-run": {
      const data = runDataSchema.safeParse(part.data);
      return data.success ? <RunCard runId={data.data.runId} title={data.data.title} /> : null;
    }
    case "data-plan": {
      // Stored JSON: render only what still has the shape a card needs.
      const data = planDataSchema.safeParse(part.data);
      return data.success ? (
        <PlanCard workflowId={data.data.workflowId} versionId={data.data.versionId} />
      ) : null;
    }
    default:
      return null;
  }
}

type Props = {
  message: ChatMessage;
  streaming: boolean;
  onRegenerate?: () => void;
};

function textOf(message: ChatMessage) {
  return message.parts
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("")
    .trim();
}

export function MessageView({ message, streaming, onRegenerate }: Props) {
  const [copied, setCopied] = useState(false);
  if (message.role === "user") {
    return (
      <div className="flex justify-end" data-testid="message-user">
        <div className="max-w-[85%] whitespace-pre-wrap rounded-2xl bg-zinc-100 px-4 py-2 text-sm dark:bg-zinc-800">
          {textOf(message)}
        </div>
      </div>
    );
  }
  const text = textOf(message);
  return (
    <div className="group flex flex-col gap-2" data-testid="message-assistant">
      {message.parts.map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts have no ids and never reorder
        <PartView key={index} part={part} />
      ))}
      {streaming ? <span className="h-4 w-2 animate-pulse bg-zinc-400" aria-hidden /> : null}
      {!streaming && text ? (
        <div className="flex gap-3 text-xs text-zinc-500 opacity-0 transition group-hover:opacity-100 focus-within:opacity-100">
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(text);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? "Copied" : "Copy"}
          </button>
          {onRegenerate ? (
            <button type="button" onClick={onRegenerate} data-testid="regenerate">
              Regenerate
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
