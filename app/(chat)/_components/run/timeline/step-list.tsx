"use client";

// The timeline as a list: every plan step in run order, by title, with its state and what
// that state means (the next try, the skip reason, the wait's deadline, a loop's items).
import { type ReactNode, useState } from "react";
import { durationBetween, formatDuration } from "@/lib/format/duration";
import { formatClock, formatWhen } from "@/lib/format/time";
import type { Timeline, TimelineStep, TimelineUnit } from "@/lib/runs/timeline";
import { decisionSummary } from "@/lib/runs/wait-decision";
import type { WireRunLink, WireStep } from "@/lib/runs/wire";
import { ScrollPre } from "../../scroll-region";
import { RunTime } from "../run-time";
import { pillTone, reusedTone, solidTone, stateLabel } from "./state-style";

function pretty(value: unknown) {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** How long a unit took, or has taken so far; nothing for one that never ran. */
function unitDuration(unit: TimelineUnit, now: number): string {
  if (!unit.startedAt || unit.state === "skipped" || unit.reused) return "";
  if (unit.state === "pending") return "";
  return formatDuration(durationBetween(unit.startedAt, unit.finishedAt ?? now));
}

/** The line under a step's title: what its state means right now. */
function stateDetail(unit: TimelineUnit & Partial<TimelineStep>, now: number): ReactNode {
  const parts: ReactNode[] = [];
  if (unit.state === "retrying") {
    const due = unit.nextAttemptAt ? Date.parse(unit.nextAttemptAt) - now : null;
    parts.push(
      <span key="retry" className="text-orange-700 dark:text-orange-300">
        {due === null
          ? "retrying"
          : due > 0
            ? `retrying in ${formatDuration(due)} (${formatClock(unit.nextAttemptAt as string, { seconds: true })})`
            : "retrying now"}
      </span>,
    );
  }
  if (unit.attempt && (unit.attempt.current > 1 || unit.state === "retrying")) {
    parts.push(
      <span key="attempt">
        attempt {unit.attempt.current} of {unit.attempt.of}
      </span>,
    );
  }
  if ((unit.state === "failed" || unit.state === "retrying") && unit.error) {
    parts.push(
      <span key="error" className="min-w-0 basis-full truncate text-red-700 dark:text-red-300">
        {unit.error}
      </span>,
    );
  }
  if (unit.state === "skipped" && unit.reason) {
    parts.push(<span key="skip">skipped: {unit.reason}</span>);
  }
  if (unit.decision && (unit.state === "waiting" || unit.state === "succeeded")) {
    parts.push(
      <span
        key="decision"
        className={
          unit.decision.approved === false
            ? "text-zinc-700 dark:text-zinc-300"
            : "text-emerald-700 dark:text-emerald-300"
        }
        data-testid="run-step-decision"
      >
        {decisionSummary(unit.decision, true)}
        {unit.decision.at ? ` at ${formatWhen(unit.decision.at)}` : ""}
      </span>,
    );
  } else if (
    unit.state === "succeeded" &&
    unit.step?.action === "wait.approval" &&
    (unit.latest?.output as { timedOut?: unknown } | null)?.timedOut === true
  ) {
    parts.push(
      <span key="expired" className="text-amber-700 dark:text-amber-300">
        expired with no decision
      </span>,
    );
  } else if (unit.state === "waiting" && unit.waitingFor) {
    parts.push(
      <span key="wait" className="text-amber-700 dark:text-amber-300">
        waiting for {unit.waitingFor}
        {unit.deadline ? ` until ${formatWhen(unit.deadline)}` : ""}
      </span>,
    );
  }
  if (unit.items) {
    const { total, settled } = unit.items;
    parts.push(
      <span key="items">
        {total === null
          ? `${settled} item${settled === 1 ? "" : "s"} done`
          : `${settled} of ${total} items`}
      </span>,
    );
  }
  return parts.length > 0 ? parts : null;
}

function Attempts({ attempts }: { attempts: WireStep[] }) {
  const shown = attempts.filter((a) => a.attempt >= 1);
  if (shown.length < 2) return null;
  return (
    <ol className="space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
      {shown.map((a) => (
        <li key={a.id} className="flex flex-wrap gap-x-2">
          <span>attempt {a.attempt}</span>
          <span>{a.status}</span>
          {a.startedAt ? <span>{formatClock(a.startedAt, { seconds: true })}</span> : null}
          {a.durationMs != null ? <span>{formatDuration(a.durationMs)}</span> : null}
          {a.error?.message ? (
            <span className="min-w-0 break-words text-red-700 dark:text-red-300">
              {a.error.message}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

// A summary is a target of its own: at least 24 px high.
const summary = "cursor-pointer py-1 text-xs text-zinc-500 dark:text-zinc-400";
const pre = "max-h-60 overflow-auto rounded bg-zinc-50 p-2 text-xs dark:bg-zinc-900";

function UnitDetails({ unit }: { unit: TimelineUnit }) {
  const latest = unit.latest;
  return (
    <div className="min-w-0 space-y-2">
      {unit.error ? (
        <p className="break-words text-red-700 dark:text-red-300">{unit.error}</p>
      ) : null}
      <Attempts attempts={unit.attempts} />
      {latest?.input !== null && latest?.input !== undefined ? (
        <details>
          <summary className={summary}>Input</summary>
          <ScrollPre label="Input" className={pre}>
            {pretty(latest.input)}
          </ScrollPre>
        </details>
      ) : null}
      {latest?.output !== null && latest?.output !== undefined && unit.state !== "skipped" ? (
        <details open>
          <summary className={summary}>Output</summary>
          <ScrollPre label="Output" className={pre}>
            {pretty(latest.output)}
          </ScrollPre>
        </details>
      ) : null}
      {!latest ? <p className="text-xs text-zinc-500 dark:text-zinc-400">Has not run.</p> : null}
    </div>
  );
}

function Dot({ state, reused }: { state: TimelineUnit["state"]; reused: boolean }) {
  // A reused unit did not run: a ring, as the re-run preview draws it.
  const tone = reused ? "border-2 border-zinc-400 dark:border-zinc-500" : solidTone[state];
  return (
    <span
      aria-hidden
      className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${tone} ${
        state === "running" || state === "retrying" ? "animate-pulse" : ""
      }`}
    />
  );
}

function UnitRow({
  unit,
  title,
  sub,
  reusedNote,
  now,
  open,
  onToggle,
  testId,
  children,
}: {
  unit: TimelineUnit & Partial<TimelineStep>;
  title: ReactNode;
  sub?: ReactNode;
  /** A reused unit: where its output came from. */
  reusedNote?: ReactNode;
  now: number;
  open: boolean;
  onToggle: () => void;
  testId: string;
  children?: ReactNode;
}) {
  const detail = unit.reused
    ? (reusedNote ?? "uses the output of the earlier run")
    : stateDetail(unit, now);
  return (
    <li data-testid={testId} data-status={unit.state} data-step={unit.unitId}>
      <button
        type="button"
        className="flex w-full items-start gap-2.5 px-3 py-2 text-left hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-500 sm:px-4 dark:hover:bg-zinc-900"
        onClick={onToggle}
        aria-expanded={open}
      >
        <Dot state={unit.state} reused={unit.reused} />
        <span className="min-w-0 flex-1">
          <span className="flex min-w-0 items-baseline gap-2">
            <span
              className={`min-w-0 truncate font-medium ${unit.state === "skipped" || unit.state === "pending" || unit.state === "not-run" || unit.reused ? "text-zinc-500 dark:text-zinc-400" : ""}`}
              data-testid="run-step-title"
            >
              {title}
            </span>
            {sub ? (
              <code className="hidden shrink-0 text-[11px] text-zinc-500 sm:inline dark:text-zinc-400">
                {sub}
              </code>
            ) : null}
          </span>
          {detail || sub ? (
            <span
              className="mt-0.5 flex flex-wrap gap-x-2 text-xs text-zinc-500 dark:text-zinc-400"
              data-testid="run-step-detail"
            >
              {sub ? (
                <code className="text-[11px] text-zinc-500 sm:hidden dark:text-zinc-400">
                  {sub}
                </code>
              ) : null}
              {detail}
            </span>
          ) : null}
        </span>
        <span className="flex shrink-0 flex-col items-end gap-0.5">
          <span
            className={`rounded-full px-2 py-0.5 text-[11px] font-medium ${unit.reused ? reusedTone : pillTone[unit.state]}`}
            data-testid="run-step-state"
            data-reused={unit.reused || undefined}
          >
            {unit.reused ? "reused" : stateLabel[unit.state]}
          </span>
          <span className="text-[11px] tabular-nums text-zinc-500 dark:text-zinc-400">
            {unitDuration(unit, now)}
          </span>
        </span>
      </button>
      {open ? <div className="space-y-2 pb-3 pl-8 pr-3 sm:pr-4">{children}</div> : null}
    </li>
  );
}

export function StepList({
  timeline,
  now,
  renderChild,
  childOfItem,
  onResume,
  busy = false,
  onRerunFrom,
  reusedSource,
}: {
  timeline: Timeline;
  now: number;
  /** A finished run: re-run it from this step (opens the re-run preview). */
  onRerunFrom?: (stepId: string) => void;
  /** A re-run: the run its reused steps took their outputs from. */
  reusedSource?: WireRunLink | null;
  /** Ends a wait early (a delay, a time, an event): the run goes on at once. */
  onResume?: (stepId: string) => void;
  /** A resume is on its way: the button waits. */
  busy?: boolean;
  /** A child run's card (workflow.run steps), opened in place. */
  renderChild: (runId: string) => ReactNode;
  childOfItem: (unit: TimelineUnit) => string | null;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const [child, setChild] = useState<string | null>(null);
  const toggle = (key: string) => setOpen((current) => (current === key ? null : key));
  const main = timeline.steps.filter((s) => s.step.phase === "main");
  const onFailure = timeline.steps.filter((s) => s.step.phase === "onFailure");

  const childLink = (runId: string | null) =>
    runId ? (
      <div>
        <button
          type="button"
          className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
          onClick={() => setChild(child === runId ? null : runId)}
          aria-expanded={child === runId}
          data-testid="run-child-link"
        >
          {child === runId ? "Hide the child run" : "Open the child run"}
        </button>
        {child === runId ? <div className="mt-2">{renderChild(runId)}</div> : null}
      </div>
    ) : null;

  const reusedNote = reusedSource ? (
    <span data-testid="run-step-reused">
      uses the output of the run at <RunTime iso={reusedSource.createdAt} />
    </span>
  ) : undefined;

  const row = (step: TimelineStep) => (
    <UnitRow
      key={step.step.id}
      unit={step}
      title={step.label}
      sub={step.step.title ? step.step.id : undefined}
      reusedNote={reusedNote}
      now={now}
      open={open === step.step.id}
      onToggle={() => toggle(step.step.id)}
      testId="run-step"
    >
      {step.items && step.items.units.length > 0 ? (
        <ol
          className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-900 dark:border-zinc-800"
          data-testid="run-loop-items"
        >
          {step.items.units.map((unit) => (
            <UnitRow
              key={unit.unitId}
              unit={unit}
              title={`Item ${unit.iteration + 1}`}
              reusedNote={reusedNote}
              now={now}
              open={open === unit.unitId}
              onToggle={() => toggle(unit.unitId)}
              testId="run-loop-item"
            >
              <UnitDetails unit={unit} />
              {step.step.kind === "workflow" ? childLink(childOfItem(unit)) : null}
            </UnitRow>
          ))}
        </ol>
      ) : (
        <UnitDetails unit={step} />
      )}
      {step.step.kind === "workflow" ? childLink(step.childRunId) : null}
      {onResume &&
      step.state === "waiting" &&
      !step.decision &&
      step.step.action !== "wait.approval" ? (
        <button
          type="button"
          disabled={busy}
          className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
          onClick={() => onResume(step.step.id)}
          data-testid="run-resume"
        >
          Resume now
        </button>
      ) : null}
      {onRerunFrom && step.step.phase === "main" ? (
        <button
          type="button"
          className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 dark:border-zinc-700 dark:hover:bg-zinc-900"
          onClick={() => onRerunFrom(step.step.id)}
          data-testid="run-rerun-from-here"
        >
          Re-run from here
        </button>
      ) : null}
    </UnitRow>
  );

  return (
    <div data-testid="run-steps">
      <ol className="divide-y divide-zinc-100 dark:divide-zinc-900">{main.map(row)}</ol>
      {onFailure.length > 0 ? (
        <>
          <p className="border-t border-zinc-200 bg-zinc-50 px-3 py-1 text-xs text-zinc-500 dark:text-zinc-400 sm:px-4 dark:border-zinc-800 dark:bg-zinc-900/50">
            If the run fails
          </p>
          <ol className="divide-y divide-zinc-100 dark:divide-zinc-900">{onFailure.map(row)}</ol>
        </>
      ) : null}
    </div>
  );
}
