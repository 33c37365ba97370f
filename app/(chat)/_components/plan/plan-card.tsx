"use client";

// A saved plan version as a card in the thread: title, trigger in words, the next runs of a
// schedule, the step graph with details on click, warnings, the diff of a revision, and the
// person's decision (Approve / Edit / Reject). The state shown is the server's current one
// (approved, rejected, superseded), not what the tool answered when the plan was proposed.
import Link from "next/link";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { PlanStep } from "@/lib/plan/schema";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";
import { NotifySetting } from "../run/notify-setting";
import { PauseControl } from "../run/pause-control";
import { RunNow } from "../run/run-now";
import { ExplainedLine } from "./explained-line";
import { decideVersion } from "./plan-api";
import { usePlanCard, usePlanCards } from "./plan-cards-context";
import { PlanDiff } from "./plan-diff";
import { PlanEditor } from "./plan-editor";
import { PlanGraph } from "./plan-graph";
import { PlanStepList } from "./plan-step-list";
import { StepDetails } from "./step-details";
import { TestPlan } from "./test-plan";

/** Below this card width the steps read better as a list than as a graph. */
const NARROW = "(max-width: 639px)";

type View = "graph" | "list";

/** Graph or list: the list on a narrow screen, until the person picks one themselves. */
function useStepsView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>("graph");
  const chosen = useRef(false);
  useLayoutEffect(() => {
    const query = window.matchMedia(NARROW);
    const follow = () => {
      if (!chosen.current) setView(query.matches ? "list" : "graph");
    };
    follow();
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, []);
  const choose = useCallback((next: View) => {
    chosen.current = true;
    setView(next);
  }, []);
  return [view, choose];
}

function ViewSwitch({ view, onChange }: { view: View; onChange: (view: View) => void }) {
  const option = (value: View, label: string) => (
    <button
      type="button"
      aria-pressed={view === value}
      onClick={() => onChange(value)}
      className={`rounded-md px-2 py-0.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-blue-500 ${
        view === value
          ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-zinc-50"
          : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
      }`}
      data-testid={`plan-view-${value}`}
    >
      {label}
    </button>
  );
  return (
    <fieldset className="inline-flex gap-0.5 rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800">
      <legend className="sr-only">Show the steps as</legend>
      {option("graph", "Graph")}
      {option("list", "List")}
    </fieldset>
  );
}

/** Every condition, otherwise branch and loop of the plan in words, in plan order. */
function Decisions({ card }: { card: PlanCardData }) {
  const steps = [...card.plan.steps, ...(card.plan.onFailure ?? [])].filter((step) => {
    const explanation = card.explanations?.[step.id];
    return explanation?.if || explanation?.else || explanation?.forEach;
  });
  if (steps.length === 0) return null;
  return (
    <section aria-label="How the plan decides" data-testid="plan-decisions">
      <h4 className="mb-1 text-xs font-medium text-zinc-500 dark:text-zinc-400">How it decides</h4>
      <ul className="flex flex-col gap-1.5 text-xs">
        {steps.map((step) => {
          const explanation = card.explanations[step.id];
          return (
            <li
              key={step.id}
              className="grid gap-x-2 gap-y-0.5 sm:grid-cols-[minmax(8rem,12rem)_1fr]"
              data-testid={`plan-decision-${step.id}`}
            >
              <span className="font-medium [overflow-wrap:anywhere]">{step.title ?? step.id}</span>
              <div className="flex min-w-0 flex-col gap-1 text-zinc-700 dark:text-zinc-300">
                {explanation.else ? <ExplainedLine explained={explanation.else} /> : null}
                {explanation.if ? <ExplainedLine explained={explanation.if} /> : null}
                {explanation.forEach ? <ExplainedLine explained={explanation.forEach} /> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** A one-shot trigger: still to come, done (with its run), or passed without running. */
function OnceState({ once }: { once: NonNullable<PlanCardData["once"]> }) {
  if (once.state === "upcoming") return null;
  if (once.state === "missed") {
    return (
      <p className="text-xs text-amber-800 dark:text-amber-300" data-testid="plan-once-state">
        Its time ({once.label}) passed without a run, so it will not run. Edit the time to run it
        later.
      </p>
    );
  }
  const run = once.run;
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="plan-once-state">
      <span className="font-medium text-emerald-800 dark:text-emerald-300">Done</span>: ran{" "}
      {run?.late ? "late, " : ""}at <time dateTime={run?.at}>{run?.label}</time>
      {run?.late ? " (the app was not running at its time)" : ""}. It will not run again.
    </p>
  );
}

const stateBadge: Record<PlanCardData["version"]["state"], { label: string; tone: string }> = {
  draft: {
    label: "Draft · awaiting approval",
    tone: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  },
  approved: {
    label: "Approved",
    tone: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  },
  rejected: {
    label: "Rejected",
    tone: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  },
  superseded: {
    label: "Superseded",
    tone: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  },
};

function findStep(
  card: PlanCardData,
  nodeId: string,
): { step: PlanStep; onFailure: boolean } | null {
  const main = card.plan.steps.find((step) => step.id === nodeId);
  if (main) return { step: main, onFailure: false };
  const failure = (card.plan.onFailure ?? []).find(
    (step) => step.id === nodeId || `${step.id}__onFailure` === nodeId,
  );
  return failure ? { step: failure, onFailure: true } : null;
}

function stateLine(card: PlanCardData): string {
  const { version, workflow, latestNumber } = card;
  switch (version.state) {
    case "approved":
      return workflow.activeVersionId === version.id
        ? `Approved by you ${version.decidedLabel ?? ""} — this is the version that runs.`
        : `Approved ${version.decidedLabel ?? ""}.`;
    case "rejected":
      return `Rejected ${version.decidedLabel ?? ""}. Nothing from this version will run.`;
    case "superseded":
      return `Replaced by a newer version (latest: version ${latestNumber}).`;
    default:
      // Only a rejection makes an older version the draft again (lib/db/workflow-queries.ts).
      return card.isLatest
        ? "Nothing runs until you approve it."
        : `Version ${latestNumber} was rejected, so this version is a draft again. Nothing runs until you approve it.`;
  }
}

/** What a rejected version's workflow fell back to, with a way to its card. */
function Fallback({ card }: { card: PlanCardData }) {
  const fallback = card.fallback;
  if (card.version.state !== "rejected" || !fallback) return null;
  const show = () => {
    const target = document.querySelector<HTMLElement>(
      `[data-testid="plan-card"][data-version="${fallback.number}"]`,
    );
    target?.scrollIntoView({ block: "start", behavior: "smooth" });
    target?.focus({ preventScroll: true });
  };
  return (
    <p
      className="flex flex-wrap items-baseline gap-x-2 gap-y-1 rounded-lg bg-zinc-100 px-3 py-2 text-xs font-medium text-zinc-800 dark:bg-zinc-800 dark:text-zinc-100"
      data-testid="plan-fallback"
    >
      <span>
        {fallback.state === "approved"
          ? `Version ${fallback.number}, the approved one, keeps running.`
          : `Version ${fallback.number} is a draft again: approve it, or edit this one.`}
      </span>
      <button
        type="button"
        onClick={show}
        className="text-zinc-600 underline underline-offset-2 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-zinc-300 dark:hover:text-white"
        data-testid="plan-fallback-show"
      >
        Show version {fallback.number}
      </button>
    </p>
  );
}

/** "Run now" for the version that is active; other versions cannot run. */
function RunControls({
  card,
  buttonRef,
}: {
  card: PlanCardData;
  buttonRef: React.RefObject<HTMLButtonElement | null>;
}) {
  const { appendMessage } = usePlanCards();
  if (card.workflow.activeVersionId !== card.version.id) return null;
  return (
    <RunNow
      workflowId={card.workflow.id}
      threadId={card.workflow.threadId}
      plan={card.plan}
      onStarted={appendMessage}
      buttonRef={buttonRef}
    />
  );
}

export function PlanCard({ workflowId, versionId }: { workflowId: string; versionId: string }) {
  const { card, error } = usePlanCard(workflowId, versionId);
  if (!card) {
    return (
      <div
        className="rounded-xl border border-zinc-200 p-4 text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-800"
        data-testid={error ? "plan-card-error" : "plan-card-loading"}
        role={error ? "alert" : "status"}
      >
        {error ? `This plan could not be loaded: ${error}` : "Loading the plan…"}
      </div>
    );
  }
  return <LoadedPlanCard card={card} />;
}

function LoadedPlanCard({ card }: { card: PlanCardData }) {
  const store = usePlanCards();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [view, setView] = useStepsView();
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** The pause state after the person changed it here (the card's data is from before). */
  const [pause, setPause] = useState<{ status: string; pausedAt: string | null } | null>(null);
  const { plan, version, workflow } = card;
  const badge = stateBadge[version.state];
  const details = selected ? findStep(card, selected) : null;
  const article = useRef<HTMLElement>(null);
  const runNow = useRef<HTMLButtonElement>(null);
  // Approve and Reject are gone once decided: the focus they had moves on to Run now (an
  // approved version) or to the card, never to the page's start.
  const decidedFromButton = useRef(false);
  useEffect(() => {
    if (busy !== null || !decidedFromButton.current) return;
    decidedFromButton.current = false;
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused.isConnected) return;
    (runNow.current ?? article.current)?.focus();
  }, [busy]);

  async function decide(decision: "approve" | "reject") {
    decidedFromButton.current = true;
    setBusy(decision);
    setProblem(null);
    try {
      store.put(await decideVersion(workflow.id, version.id, decision));
      await store.refreshWorkflow(workflow.id);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "That did not work. Try again.");
      await store.refreshWorkflow(workflow.id);
    } finally {
      setBusy(null);
    }
  }

  return (
    <article
      ref={article}
      // Focusable so a rejected version's "Show version n" can move the reader here.
      tabIndex={-1}
      className="flex scroll-mt-4 flex-col gap-3 rounded-xl border outline-none border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900/60"
      data-testid="plan-card"
      data-version={version.number}
      data-state={version.state}
      aria-label={`Plan: ${plan.title}, version ${version.number}`}
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="text-base font-semibold" data-testid="plan-title">
            {plan.title}
          </h3>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Version {version.number} · {version.author === "person" ? "edited by you" : "proposed"}
            {version.note ? ` · ${version.note}` : ""}
          </p>
        </div>
        <span
          className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${badge.tone}`}
          data-testid="plan-state"
        >
          {version.state === "superseded" ? `Superseded by v${card.latestNumber}` : badge.label}
        </span>
      </header>

      {plan.summary ? <p className="text-sm">{plan.summary}</p> : null}

      <div className="flex flex-col gap-1 text-sm">
        <p data-testid="plan-trigger">
          <span className="text-zinc-500 dark:text-zinc-400">Runs: </span>
          {card.trigger}
        </p>
        {card.limits && card.limits.length > 0 ? (
          <p data-testid="plan-limits">
            <span className="text-zinc-500 dark:text-zinc-400">Limits: </span>
            {card.limits.join("; ")}
          </p>
        ) : null}
        {card.webhookUrl ? (
          <p className="text-xs" data-testid="plan-webhook-url">
            <span className="text-zinc-500 dark:text-zinc-400">Send requests to: </span>
            <code className="break-all rounded bg-zinc-100 px-1 dark:bg-zinc-800">
              {card.webhookUrl}
            </code>
          </p>
        ) : null}
        {card.once ? <OnceState once={card.once} /> : null}
        {card.nextRuns.length > 0 && !card.once ? (
          <div className="text-xs" data-testid="plan-next-runs">
            <span className="text-zinc-500 dark:text-zinc-400">Next runs ({card.timezone}): </span>
            <ul className="inline">
              {card.nextRuns.map((run, index) => (
                <li key={run.at} className="inline">
                  {index > 0 ? " · " : ""}
                  <time dateTime={run.at}>{run.label}</time>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {plan.trigger.type === "schedule" ||
        plan.trigger.type === "once" ||
        plan.trigger.type === "event" ? (
          <NotifySetting workflowId={card.workflow.id} initial={card.workflow.notify} />
        ) : null}
        {plan.trigger.type !== "manual" && card.workflow.activeVersionId === card.version.id ? (
          <PauseControl
            workflowId={card.workflow.id}
            status={pause?.status ?? card.workflow.status}
            pausedAt={pause ? pause.pausedAt : (card.workflow.pausedAt ?? null)}
            isSchedule={plan.trigger.type === "schedule" || plan.trigger.type === "once"}
            triggerType={plan.trigger.type}
            onChanged={(status) =>
              setPause({
                status,
                pausedAt: status === "paused" ? new Date().toISOString() : null,
              })
            }
          />
        ) : null}
      </div>

      <div className="flex items-center justify-between gap-2">
        <h4 className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
          {plan.steps.length} {plan.steps.length === 1 ? "step" : "steps"}
          {plan.onFailure?.length ? ` · ${plan.onFailure.length} if it fails` : ""}
        </h4>
        <ViewSwitch view={view} onChange={setView} />
      </div>
      {view === "graph" ? (
        <PlanGraph
          plan={plan}
          phrases={card.phrases}
          explanations={card.explanations}
          actions={card.actions}
          effects={card.effects}
          trigger={card.trigger}
          selected={selected}
          onSelect={setSelected}
        />
      ) : (
        <PlanStepList
          plan={plan}
          phrases={card.phrases}
          explanations={card.explanations ?? {}}
          actions={card.actions}
          effects={card.effects}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {details ? (
        <StepDetails
          step={details.step}
          explanation={card.explanations?.[details.step.id]}
          phrase={card.phrases[details.step.id]}
          action={card.actions[details.step.action]}
          effect={card.effects?.[details.step.id]}
          onFailure={details.onFailure}
          onClose={() => setSelected(null)}
        />
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Click a step to see what it does and its inputs.
        </p>
      )}
      {view === "graph" ? <Decisions card={card} /> : null}

      {card.warnings.length > 0 ? (
        <ul
          className="flex flex-col gap-0.5 rounded-lg bg-amber-50 p-2 text-xs [overflow-wrap:anywhere] text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          data-testid="plan-warnings"
          aria-label="Warnings"
        >
          {card.warnings.map((issue) => (
            <li key={`${issue.path}|${issue.message}`}>
              ⚠ <code className="font-mono">{issue.path || "(plan)"}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}

      {card.diff ? <PlanDiff against={card.diff.against} lines={card.diff.lines} /> : null}

      {editing ? (
        <PlanEditor card={card} onClose={() => setEditing(false)} />
      ) : (
        <footer className="flex flex-col gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="plan-state-line">
            {stateLine(card)}
          </p>
          <Fallback card={card} />
          <div className="flex flex-wrap items-center gap-2">
            {version.state === "draft" ? (
              <button
                type="button"
                onClick={() => decide("approve")}
                disabled={busy !== null}
                className="rounded-lg bg-emerald-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
                data-testid="plan-approve"
              >
                {busy === "approve" ? "Approving…" : "Approve"}
              </button>
            ) : null}
            {card.isLatest ? (
              <button
                type="button"
                onClick={() => setEditing(true)}
                disabled={busy !== null}
                className="rounded-lg border border-zinc-300 px-3 py-1.5 text-xs font-medium hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
                data-testid="plan-edit"
              >
                Edit
              </button>
            ) : null}
            {version.state === "draft" ? (
              <button
                type="button"
                onClick={() => decide("reject")}
                disabled={busy !== null}
                className="rounded-lg border border-zinc-300 px-3 py-1.5 text-xs font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-zinc-700 dark:text-red-300 dark:hover:bg-red-950"
                data-testid="plan-reject"
              >
                {busy === "reject" ? "Rejecting…" : "Reject"}
              </button>
            ) : null}
            {version.state === "draft" || version.state === "approved" ? (
              <TestPlan
                workflowId={workflow.id}
                versionId={version.id}
                plan={plan}
                onStarted={store.appendMessage}
              />
            ) : null}
            <Link
              href={`/workflows/${workflow.id}`}
              className="ml-auto text-xs text-zinc-500 dark:text-zinc-400 underline-offset-2 hover:underline"
              data-testid="plan-workflow-link"
            >
              View workflow
            </Link>
          </div>
          {problem ? (
            <p role="alert" className="text-xs text-red-700 dark:text-red-300">
              {problem}
            </p>
          ) : null}
          <RunControls card={card} buttonRef={runNow} />
        </footer>
      )}
    </article>
  );
}
