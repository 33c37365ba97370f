"use client";

import { useId } from "react";
import { SUPERSEDED_REASON } from "@/lib/ai/approvals";
import type { ConfirmedToolName } from "@/lib/ai/tools/run-tool-types";
import { type Confirmation, confirmationSchema } from "@/lib/ai/types";
import { ScrollPre } from "../scroll-region";
import { payloadText, RerunPreviewView, rerunSummary } from "./rerun/rerun-preview";
import { RunTime } from "./run-time";

/** Where a confirmation stands: waiting for the person, or what came of it. */
export type ConfirmState =
  | { kind: "waiting"; approvalId: string }
  | { kind: "approved"; done: boolean }
  | { kind: "declined"; superseded: boolean };

/** The card's content: the server's description when there is one, else the call's own input. */
function contentOf(tool: ConfirmedToolName, input: unknown, descriptor: unknown): Confirmation {
  const parsed = confirmationSchema.safeParse(descriptor);
  if (parsed.success) return parsed.data;
  const raw = (input ?? {}) as {
    workflowId?: string;
    runId?: string;
    inputs?: object;
    action?: string;
    approved?: boolean;
  };
  if (tool === "answerApproval") {
    return {
      action: raw.approved === true ? "approve" : "reject",
      workflowId: null,
      title: null,
      runId: raw.runId,
      inputs: [],
    };
  }
  const action: Confirmation["action"] =
    tool === "cancelRun"
      ? "cancel"
      : tool === "rerunRun"
        ? "rerun"
        : tool === "resumeWorkflow"
          ? "resume"
          : tool === "bulkRuns"
            ? raw.action === "cancel"
              ? "bulk-cancel"
              : "bulk-rerun"
            : "run";
  return {
    action,
    workflowId: raw.workflowId ?? null,
    title: null,
    runId: raw.runId,
    inputs: Object.entries(raw.inputs ?? {}).map(([name, value]) => ({ name, value })),
  };
}

function shown(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

const shortId = (id: string) => id.slice(0, 8);

const runsCount = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "run" : "runs"}`;

/** "Your message …" → "your message …", to follow "Asked because". */
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

function Heading({ content }: { content: Confirmation }) {
  const title = content.title ? (
    <em className="font-semibold not-italic">{content.title}</em>
  ) : (
    <span className="text-zinc-500 dark:text-zinc-400">an unknown workflow</span>
  );
  if (content.action === "approve" || content.action === "reject") {
    return (
      <>
        {content.action === "approve" ? "Approve" : "Reject"} the waiting approval of {title}
        {content.question ? (
          <span className="mt-0.5 block font-normal text-zinc-600 dark:text-zinc-400">
            “{content.question}”
          </span>
        ) : null}
      </>
    );
  }
  if (content.action === "rerun") {
    const from = content.rerun?.fromStep
      ? content.rerun.steps.find((step) => step.id === content.rerun?.fromStep)
      : null;
    return (
      <>
        Re-run {title}
        {content.runAt ? (
          <>
            {" "}
            (the run at <RunTime iso={content.runAt} />)
          </>
        ) : (
          <>
            {" "}
            run <code className="font-mono text-[0.95em]">{shortId(content.runId ?? "")}</code>
          </>
        )}
        {from ? <> from “{from.title ?? from.id}”</> : content.rerun ? " from the start" : null}
      </>
    );
  }
  if (content.action === "cancel") {
    return (
      <>
        Cancel run <code className="font-mono text-[0.95em]">{shortId(content.runId ?? "")}</code>{" "}
        of {title}
      </>
    );
  }
  if (content.action === "resume") {
    return (
      <>
        Resume {title} and start{" "}
        {content.count === undefined ? "the runs" : runsCount(content.count)} its schedule missed
      </>
    );
  }
  if (content.action === "bulk-rerun" || content.action === "bulk-cancel") {
    const verb = content.action === "bulk-rerun" ? "Re-run" : "Cancel";
    const scope = content.workflowId ? <> of {title}</> : " of all your workflows";
    return (
      <>
        {verb}{" "}
        <strong data-testid="confirm-count">
          {content.count === undefined ? "the matching runs" : runsCount(content.count)}
        </strong>
        {scope}
      </>
    );
  }
  return <>Run {title} now</>;
}

const outcomeText = (content: Confirmation, state: ConfirmState) => {
  const noun =
    content.action === "cancel" || content.action === "bulk-cancel"
      ? "nothing was cancelled"
      : content.action === "approve" || content.action === "reject"
        ? "nothing was answered"
        : content.action === "rerun"
          ? "nothing was re-run"
          : "nothing was run";
  if (state.kind === "approved" && content.action === "resume") {
    return state.done ? "You approved: resumed." : "Resuming…";
  }
  if (state.kind === "approved" && content.action.startsWith("bulk-")) {
    return state.done ? "You approved: the bulk action started." : "Starting the bulk action…";
  }
  if (state.kind === "approved") {
    if (content.action === "approve" || content.action === "reject") {
      const word = content.action === "approve" ? "approved" : "rejected";
      return state.done ? `You confirmed: ${word}.` : "Answering…";
    }
    if (content.action === "rerun") {
      return state.done ? "You approved: the re-run started." : "Starting the re-run…";
    }
    if (content.action === "cancel") return state.done ? "You approved: cancelled." : "Cancelling…";
    return state.done ? "You approved: the run started." : "Starting the run…";
  }
  if (state.kind === "declined") {
    return state.superseded
      ? `Not confirmed: you wrote a new message instead, so ${noun}.`
      : `You declined: ${noun}.`;
  }
  return "";
};

const badge: Record<ConfirmState["kind"], { label: string; tone: string }> = {
  waiting: {
    label: "Needs your confirmation",
    tone: "bg-amber-100 text-amber-900 dark:bg-amber-500/15 dark:text-amber-200",
  },
  approved: {
    label: "Approved",
    tone: "bg-emerald-100 text-emerald-800 dark:bg-emerald-500/15 dark:text-emerald-300",
  },
  declined: {
    label: "Declined",
    tone: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  },
};

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 dark:focus-visible:outline-zinc-100";

/**
 * A run tool's call that waits for the person (or was decided): what it would do, on which
 * workflow, with which inputs, and Approve / Deny. Only the request's id and the decision go
 * back to the server, which acts on the call as it stored it.
 */
/** The inputs a run would take: a compact line once decided, a table while waiting. */
function InputList({
  inputs,
  compact = false,
}: {
  inputs: Confirmation["inputs"];
  compact?: boolean;
}) {
  const styles = compact
    ? {
        list: "flex flex-wrap gap-x-4 gap-y-1 text-xs",
        row: "flex min-w-0 gap-1.5",
        name: "text-zinc-500 dark:text-zinc-400",
        value: "min-w-0 break-words font-mono text-zinc-800 dark:text-zinc-200",
      }
    : {
        list: "grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-1.5 rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-950",
        row: "contents",
        name: "truncate font-medium text-zinc-600 dark:text-zinc-400",
        value:
          "min-w-0 whitespace-pre-wrap break-words font-mono text-[0.8125rem] text-zinc-900 dark:text-zinc-100",
      };
  return (
    <dl className={styles.list} data-testid="confirm-inputs">
      {inputs.map((item) => (
        <div
          key={item.name}
          className={styles.row}
          data-testid="confirm-input"
          data-name={item.name}
        >
          <dt className={styles.name}>{item.name}</dt>
          <dd className={styles.value}>
            {shown(item.value)}
            {item.defaulted && !compact ? (
              <span className="ml-2 font-sans text-xs text-zinc-500 dark:text-zinc-400">
                default
              </span>
            ) : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function ConfirmCard({
  tool,
  input,
  descriptor,
  reason,
  state,
  onDecide,
  disabled,
}: {
  tool: ConfirmedToolName;
  input: unknown;
  descriptor: unknown;
  /** Why the person is asked (the rule's reason), shown while waiting. */
  reason?: string;
  state: ConfirmState;
  onDecide?: (approvalId: string, approved: boolean) => void;
  disabled?: boolean;
}) {
  const content = contentOf(tool, input, descriptor);
  const headingId = useId();
  const tone = badge[state.kind];
  const heading = (
    <span
      id={headingId}
      className={state.kind === "declined" ? "text-zinc-600 dark:text-zinc-400" : ""}
      data-testid="confirm-title"
    >
      <Heading content={content} />
    </span>
  );
  const badgeView = (
    <span
      className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${tone.tone}`}
      data-testid="confirm-badge"
    >
      {tone.label}
    </span>
  );

  if (state.kind !== "waiting") {
    // Decided: one compact block, so the run card that follows carries the weight.
    return (
      <section
        aria-labelledby={headingId}
        data-testid="confirm-card"
        data-state={state.kind}
        data-action={content.action}
        className="flex flex-col gap-1.5 rounded-xl border border-zinc-200 bg-white px-4 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-900/60"
      >
        <h3 className="flex flex-wrap items-center gap-x-2 gap-y-1 font-medium">
          {badgeView}
          {heading}
        </h3>
        {content.action === "run" && content.inputs.length > 0 ? (
          <InputList inputs={content.inputs} compact />
        ) : null}
        {content.action === "rerun" && content.rerun ? (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">{rerunSummary(content.rerun)}</p>
        ) : null}
        <p
          role="status"
          className="text-xs text-zinc-600 dark:text-zinc-400"
          data-testid="confirm-outcome"
        >
          {outcomeText(content, state)}
        </p>
      </section>
    );
  }

  return (
    <section
      aria-labelledby={headingId}
      data-testid="confirm-card"
      data-state={state.kind}
      data-action={content.action}
      className="flex flex-col gap-3 rounded-xl border border-amber-300 bg-amber-50/60 p-4 text-sm shadow-sm dark:border-amber-500/40 dark:bg-amber-500/5"
    >
      <div className="flex">{badgeView}</div>
      <h3 className="text-base leading-snug">{heading}</h3>

      {content.action === "rerun" ? (
        <RerunConfirmBody content={content} />
      ) : content.action === "run" ? (
        content.inputs.length > 0 ? (
          <InputList inputs={content.inputs} />
        ) : (
          <p className="text-zinc-600 dark:text-zinc-400">No inputs.</p>
        )
      ) : content.inputs.length > 0 ? (
        <InputList inputs={content.inputs} />
      ) : content.runStatus ? (
        <p className="text-zinc-600 dark:text-zinc-400">The run is {content.runStatus} now.</p>
      ) : content.scope ? (
        <p className="text-zinc-600 dark:text-zinc-400" data-testid="confirm-scope">
          Which: {content.scope}. Each run is handled once; they start no faster than your
          concurrency allows.
        </p>
      ) : null}

      {reason ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="confirm-reason">
          Asked because {lowerFirst(reason)}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={disabled}
          onClick={() => onDecide?.(state.approvalId, true)}
          className={`min-h-11 rounded-lg bg-emerald-700 px-5 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50 sm:min-h-9 sm:px-4 ${focusRing}`}
          data-testid="confirm-approve"
        >
          Approve
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => onDecide?.(state.approvalId, false)}
          className={`min-h-11 rounded-lg border border-zinc-300 bg-white px-5 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-50 sm:min-h-9 sm:px-4 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`}
          data-testid="confirm-deny"
        >
          Deny
        </button>
      </div>
    </section>
  );
}

/** A re-run's card while it waits: the preview the person confirms, as the run card shows it. */
function RerunConfirmBody({ content }: { content: Confirmation }) {
  const preview = content.rerun;
  if (!preview) {
    return <p className="text-zinc-600 dark:text-zinc-400">The preview could not be made.</p>;
  }
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-zinc-700 dark:text-zinc-300" data-testid="confirm-rerun-summary">
        {rerunSummary(preview)}, on{" "}
        {preview.version === "latest"
          ? `the latest approved version (v${preview.versions.target})`
          : `the run's own version (v${preview.versions.pinned})`}
        .
      </p>
      <RerunPreviewView preview={preview} compact />
      {preview.trigger.inputsEdited ? (
        <div className="flex flex-col gap-1 text-xs">
          <span className="font-medium text-zinc-700 dark:text-zinc-300">With other inputs</span>
          <ScrollPre
            label="Inputs"
            className="max-h-40 overflow-auto rounded-md bg-white p-2 font-mono ring-1 ring-zinc-200 dark:bg-zinc-950 dark:ring-zinc-800"
          >
            {payloadText(preview.trigger.payload)}
          </ScrollPre>
        </div>
      ) : null}
    </div>
  );
}

/** The card's state from a tool part's state and approval, or undefined when it had none. */
export function confirmStateOf(part: {
  state: string;
  approval?: { id: string; approved?: boolean; reason?: string; isAutomatic?: boolean };
}): ConfirmState | undefined {
  const approval = part.approval;
  if (!approval || approval.isAutomatic) return undefined;
  switch (part.state) {
    case "approval-requested":
      return { kind: "waiting", approvalId: approval.id };
    case "approval-responded":
      return approval.approved
        ? { kind: "approved", done: false }
        : { kind: "declined", superseded: false };
    case "output-available":
    case "output-error":
      return { kind: "approved", done: true };
    case "output-denied":
      return { kind: "declined", superseded: approval.reason === SUPERSEDED_REASON };
    default:
      return undefined;
  }
}
