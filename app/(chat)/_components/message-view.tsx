"use client";

import { useState } from "react";
import { isWorkflowPost } from "@/lib/ai/model-history";
import { type RepairOutcome, repairOutcomes } from "@/lib/ai/planner-outcomes";
import {
  isConfirmedTool,
  type PauseToolOutput,
  RUN_TOOL_LABELS,
} from "@/lib/ai/tools/run-tool-types";
import {
  batchDataSchema,
  type ChatMessage,
  confirmationSchema,
  planDataSchema,
  runDataSchema,
} from "@/lib/ai/types";
import { Markdown } from "./markdown";
import { PlanCard } from "./plan/plan-card";
import { isPlannerToolName, PlannerDynamicPart, PlannerToolPart } from "./plan/plan-part";
import { BatchCard } from "./run/batch-card";
import { BulkProgress } from "./run/bulk-progress";
import { ConfirmCard, confirmStateOf } from "./run/confirm-card";
import { runCardAnchor } from "./run/open-runs";
import { PostHeader } from "./run/post-header";
import { RunCard } from "./run/run-card";
import { StoredRunCard } from "./run/stored-run-card";
import { TestRunCard } from "./run/test/test-run-card";
import { TemplateGallery } from "./templates/template-gallery";

type Part = ChatMessage["parts"][number];

/** A run tool call: the run card for a started run, a quiet line for look-ups. */
function RunToolPart({
  part,
  onDecide,
  busy,
}: {
  part: Extract<Part, { type: `tool-${keyof typeof RUN_TOOL_LABELS}` }>;
  onDecide?: (approvalId: string, approved: boolean) => void;
  busy?: boolean;
}) {
  const name = part.type.slice("tool-".length) as keyof typeof RUN_TOOL_LABELS;
  const confirm = isConfirmedTool(name) ? confirmStateOf(part) : undefined;
  const card =
    confirm && isConfirmedTool(name) ? (
      <ConfirmCard
        tool={name}
        input={part.input}
        descriptor={part.approval?.descriptor}
        reason={part.approval?.requestReason}
        state={confirm}
        onDecide={onDecide}
        disabled={busy || !onDecide}
      />
    ) : null;
  if (part.state === "output-available") {
    const output = part.output as { ok?: boolean; runId?: string; error?: string };
    if (name === "runWorkflow" && output.ok && output.runId) {
      const confirmed = confirmationSchema.safeParse(part.approval?.descriptor);
      return (
        <>
          {card}
          <RunCard
            runId={output.runId}
            title={confirmed.success ? (confirmed.data.title ?? undefined) : undefined}
          />
        </>
      );
    }
    if (name === "bulkRuns" && output.ok) {
      const bulk = part.output as { dryRun?: true; count?: number; bulkActionId?: string };
      if (bulk.bulkActionId) {
        return (
          <>
            {card}
            <BulkProgress bulkActionId={bulk.bulkActionId} />
          </>
        );
      }
      return (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="bulk-count">
          {(bulk.count ?? 0).toLocaleString("en-US")} runs match
        </p>
      );
    }
    if ((name === "pauseWorkflow" || name === "resumeWorkflow") && output.ok) {
      const paused = part.output as PauseToolOutput & { ok: true };
      return (
        <>
          {card}
          <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="pause-changed">
            {paused.workflow.title}:{" "}
            {paused.workflow.status === "paused"
              ? "paused — its schedule, event trigger and webhook start nothing until resumed."
              : `resumed${paused.backfilled !== undefined ? `, ${paused.backfilled} missed ${paused.backfilled === 1 ? "run" : "runs"} started` : " — nothing it missed was started"}.`}
          </p>
        </>
      );
    }
    if (name === "testWorkflow" && output.ok && output.runId) {
      return <TestRunCard runId={output.runId} />;
    }
    if (name === "rerunRun" && output.ok && output.runId) {
      const confirmed = confirmationSchema.safeParse(part.approval?.descriptor);
      return (
        <>
          {card}
          <div id={runCardAnchor(output.runId)} tabIndex={-1} className="scroll-mt-4 outline-none">
            <RunCard
              runId={output.runId}
              title={confirmed.success ? (confirmed.data.title ?? undefined) : undefined}
            />
          </div>
        </>
      );
    }
    if (output.ok === false) {
      return (
        <>
          {card}
          <p className="text-xs text-red-600 dark:text-red-400">{output.error}</p>
        </>
      );
    }
  }
  if (part.state === "output-error") {
    return (
      <>
        {card}
        <p className="text-xs text-red-600 dark:text-red-400">
          {RUN_TOOL_LABELS[name]}: {part.errorText}
        </p>
      </>
    );
  }
  if (card) return card;
  // Declined by the app itself (a re-run of a run still going): the reason, which the model
  // also read.
  if (part.state === "output-denied" && part.approval?.isAutomatic && part.approval.reason) {
    return (
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="run-tool-refused">
        {name === "rerunRun" ? "Did not re-run" : "Not done"}: {part.approval.reason}
      </p>
    );
  }
  return (
    <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="run-tool">
      {part.state === "output-available" ? RUN_TOOL_LABELS[name] : `${RUN_TOOL_LABELS[name]}…`}
    </p>
  );
}

/** setWorkflowNotify: one quiet line saying what changed. */
function NotifyToolPart({ part }: { part: Extract<Part, { type: "tool-setWorkflowNotify" }> }) {
  if (part.state === "output-available") {
    const output = part.output;
    return output.ok ? (
      <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="notify-changed">
        {output.title}: {output.meaning.charAt(0).toLowerCase() + output.meaning.slice(1)}
      </p>
    ) : (
      <p className="text-xs text-red-600 dark:text-red-400">{output.error}</p>
    );
  }
  if (part.state === "output-error") {
    return <p className="text-xs text-red-600 dark:text-red-400">{part.errorText}</p>;
  }
  return (
    <p className="text-xs text-zinc-500 dark:text-zinc-400">
      Changing what this workflow tells you…
    </p>
  );
}

/** listTemplates: the gallery card; useTemplate: a quiet line naming the template. */
function TemplateToolPart({
  part,
  onSend,
  busy,
}: {
  part: Extract<Part, { type: "tool-listTemplates" | "tool-useTemplate" }>;
  onSend?: (text: string) => void;
  busy?: boolean;
}) {
  if (part.state === "output-error") {
    return <p className="text-xs text-red-600 dark:text-red-400">{part.errorText}</p>;
  }
  if (part.type === "tool-listTemplates") {
    if (part.state !== "output-available") {
      return <p className="text-xs text-zinc-500 dark:text-zinc-400">Opening the templates…</p>;
    }
    return (
      <TemplateGallery
        variant="card"
        templates={part.output.templates}
        categories={part.output.categories}
        initialQuery={part.output.templates.length < part.output.total ? part.output.query : ""}
        initialCategory={part.output.category}
        onUse={onSend ? (id) => onSend(`Use the template ${id}`) : undefined}
        disabled={busy || !onSend}
      />
    );
  }
  if (part.state !== "output-available") {
    return <p className="text-xs text-zinc-500 dark:text-zinc-400">Reading the template…</p>;
  }
  const output = part.output;
  return output.ok ? (
    <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="template-used">
      Template: {output.title}
      {output.missing.length > 0
        ? ` (needs ${output.missing.map((m) => m.label.toLowerCase()).join(", ")})`
        : ""}
    </p>
  ) : (
    <p className="text-xs text-red-600 dark:text-red-400">{output.error}</p>
  );
}

function PartView({
  part,
  onDecide,
  onSend,
  busy,
  runAt,
  collapsible,
  repair,
}: {
  part: Part;
  onDecide?: (approvalId: string, approved: boolean) => void;
  onSend?: (text: string) => void;
  busy?: boolean;
  runAt?: string;
  collapsible?: boolean;
  /** A failed plan attempt: how the repair ended. */
  repair?: RepairOutcome;
}) {
  switch (part.type) {
    case "tool-listTemplates":
    case "tool-useTemplate":
      return <TemplateToolPart part={part} onSend={onSend} busy={busy} />;
    case "text":
      return <Markdown>{part.text}</Markdown>;
    case "tool-proposeWorkflow":
    case "tool-reviseWorkflow":
      return <PlannerToolPart part={part} outcome={repair} />;
    case "dynamic-tool":
      return isPlannerToolName(part.toolName) ? (
        <PlannerDynamicPart part={part} outcome={repair} />
      ) : null;
    case "tool-listWorkflows":
    case "tool-runWorkflow":
    case "tool-listRuns":
    case "tool-getRun":
    case "tool-cancelRun":
    case "tool-pauseWorkflow":
    case "tool-resumeWorkflow":
    case "tool-bulkRuns":
    case "tool-answerApproval":
    case "tool-rerunRun":
    case "tool-testWorkflow":
      return <RunToolPart part={part} onDecide={onDecide} busy={busy} />;
    case "tool-setWorkflowNotify":
      return <NotifyToolPart part={part} />;
    case "data-run": {
      const data = runDataSchema.safeParse(part.data);
      if (!data.success) return null;
      // A test's card is always shown whole: it is what the person asked to see.
      return data.data.test ? (
        <TestRunCard runId={data.data.runId} title={data.data.title} />
      ) : (
        <StoredRunCard data={data.data} runAt={runAt} collapsible={Boolean(collapsible)} />
      );
    }
    case "data-batch": {
      const data = batchDataSchema.safeParse(part.data);
      return data.success ? <BatchCard data={data.data} /> : null;
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
  /** Answers a confirmation card (approve or deny a run tool's call). */
  onDecide?: (approvalId: string, approved: boolean) => void;
  /** Sends a message as the person (a card's action, like the gallery's "Use this template"). */
  onSend?: (text: string) => void;
  /** A reply is on its way: cards wait. */
  busy?: boolean;
  /** A workflow post that starts its run's group in the thread: it shows whose it is. */
  showHeader?: boolean;
  /** An older run card: once its run has ended it renders collapsed until opened. */
  collapsible?: boolean;
};

function textOf(message: ChatMessage) {
  return message.parts
    .map((part) => (part.type === "text" ? part.text : ""))
    .join("")
    .trim();
}

/** What a workflow posted (a chat.post message, a run's summary): marked as the workflow's. */
function WorkflowPostView({ message, showHeader }: { message: ChatMessage; showHeader?: boolean }) {
  const meta = message.metadata;
  const runId = meta?.workflowRun?.runId ?? meta?.runId;
  return (
    <div
      className="flex flex-col gap-1.5"
      data-testid="workflow-post"
      data-run={runId}
      id={`message-${message.id}`}
    >
      {showHeader ? (
        <PostHeader title={meta?.workflowTitle ?? "Workflow"} runId={runId} runAt={meta?.runAt} />
      ) : null}
      <div className="border-l-2 border-violet-200 py-1 pl-3 dark:border-violet-900">
        {message.parts.map((part, index) =>
          part.type === "text" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts have no ids and never reorder
            <Markdown key={index}>{part.text}</Markdown>
          ) : null,
        )}
      </div>
    </div>
  );
}

const isCardOrBatch = (message: ChatMessage) =>
  message.parts.some((part) => part.type === "data-run" || part.type === "data-batch");

export function MessageView({
  message,
  streaming,
  onRegenerate,
  onDecide,
  onSend,
  busy,
  showHeader,
  collapsible,
}: Props) {
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
  if (isWorkflowPost(message) && !isCardOrBatch(message)) {
    return (
      <div data-testid="message-assistant">
        <WorkflowPostView message={message} showHeader={showHeader} />
      </div>
    );
  }
  const text = textOf(message);
  const repairs = repairOutcomes(message.parts, { streaming });
  return (
    <div className="group flex flex-col gap-2" data-testid="message-assistant">
      {message.parts.map((part, index) => (
        <PartView
          // biome-ignore lint/suspicious/noArrayIndexKey: parts have no ids and never reorder
          key={index}
          part={part}
          onDecide={onDecide}
          onSend={onSend}
          busy={busy}
          runAt={message.metadata?.runAt}
          collapsible={collapsible}
          repair={repairs.get(index)}
        />
      ))}
      {streaming ? <span className="h-4 w-2 animate-pulse bg-zinc-400" aria-hidden /> : null}
      {!streaming && text ? (
        <div className="flex gap-3 text-xs text-zinc-500 dark:text-zinc-400 opacity-0 transition group-hover:opacity-100 focus-within:opacity-100">
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
