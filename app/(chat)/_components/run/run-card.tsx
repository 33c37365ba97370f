"use client";

// A run as a timeline: every step of its pinned plan in run order, by title, with its state
// (lib/runs/timeline.ts derives it), as a list, a waterfall or the plan's graph coloured by
// state, with the run's log a click away. Live through useRun.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { AppError } from "@/lib/errors";
import { durationBetween, formatDuration } from "@/lib/format/duration";
import { formatWhen } from "@/lib/format/time";
import { snapshotOf } from "@/lib/runs/announce";
import { isTerminal } from "@/lib/runs/status";
import { buildTimeline, itemChildRunId, type TimelineDecision } from "@/lib/runs/timeline";
import { decisionSummary } from "@/lib/runs/wait-decision";
import type { WireRunLink } from "@/lib/runs/wire";
import { useThreadLive } from "./live-provider";
import { useOpenRunsIfAny } from "./open-runs";
import type { StartedRerun } from "./rerun/rerun-api";
import { type RerunChoice, RerunControl } from "./rerun/rerun-control";
import { RerunLinks } from "./rerun/rerun-links";
import { RerunPanel } from "./rerun/rerun-panel";
import { RunAnnouncer, useRunAnnouncements } from "./timeline/run-announcer";
import { RunGraph } from "./timeline/run-graph";
import { RunLog } from "./timeline/run-log";
import { pillTone } from "./timeline/state-style";
import { StepList } from "./timeline/step-list";
import { useNow } from "./timeline/use-now";
import { Waterfall } from "./timeline/waterfall";
import { useRun } from "./use-run";

type Tab = "steps" | "waterfall" | "graph";
const TABS: { id: Tab; label: string }[] = [
  { id: "steps", label: "Steps" },
  { id: "waterfall", label: "Waterfall" },
  { id: "graph", label: "Graph" },
];

export function RunCard({ runId, title }: { runId: string; title?: string }) {
  const { view, error } = useRun(runId);
  const [tab, setTab] = useState<Tab>("steps");
  const [showLog, setShowLog] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // The re-run panel (open with where it starts from) and the re-runs started from this card.
  const [rerunAsk, setRerunAsk] = useState<{ from: string; pick: boolean } | null>(null);
  const [rerunsStarted, setRerunsStarted] = useState<WireRunLink[]>([]);
  const rerunButton = useRef<HTMLButtonElement>(null);
  const inThread = useThreadLive() !== null;
  const openRuns = useOpenRunsIfAny();
  const router = useRouter();
  const live = view ? !isTerminal(view.run.status) : false;
  const now = useNow(live);
  const timeline = useMemo(() => (view ? buildTimeline(view, now) : null), [view, now]);
  const announcements = useRunAnnouncements(
    view && timeline ? snapshotOf(view.run, timeline, now) : null,
  );
  // Cancel disappears once the run has ended: focus moves on to Re-run, which takes its place.
  const cancelHadFocus = useRef(false);
  const ended = view ? isTerminal(view.run.status) : false;
  useEffect(() => {
    if (!ended || !cancelHadFocus.current) return;
    cancelHadFocus.current = false;
    rerunButton.current?.focus();
  }, [ended]);

  const [busy, setBusy] = useState(false);
  /** Decisions this card just sent, shown until the live stream brings the run's own record. */
  const [sent, setSent] = useState<Record<string, TimelineDecision>>({});

  // What an answer or a cancel changes arrives through the run's live stream.
  async function post(url: string, body?: unknown): Promise<unknown> {
    setProblem(null);
    setBusy(true);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      });
      const parsed = await response.json().catch(() => undefined);
      if (response.ok) return parsed;
      setProblem(AppError.fromJSON(parsed)?.message ?? "That did not work. Try again.");
    } catch {
      setProblem("Could not reach Flowchat. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
    return undefined;
  }

  // An answered approval's buttons go (the row with them, once the run moves on): the focus
  // they had moves to the card rather than to the page's start.
  const card = useRef<HTMLElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!refocus.current || busy) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused.isConnected) {
      if (!card.current?.contains(focused)) refocus.current = false;
      return;
    }
    refocus.current = false;
    card.current?.focus();
  });

  /** Approves or rejects a waiting approval, once: a second answer is refused with the first. */
  async function decide(stepId: string, approved: boolean) {
    refocus.current = true;
    const answer = (await post(`/api/runs/${runId}/waits/${stepId}`, { approved })) as
      | { decidedAt?: string }
      | undefined;
    if (answer) {
      setSent((current) => ({
        ...current,
        [stepId]: { approved, byOwner: true, from: "thread", at: answer.decidedAt ?? null },
      }));
    }
  }

  if (!view || !timeline) {
    // The same element as the loaded card, live region first, so the region stays in the page.
    return (
      <section
        className="rounded-xl border border-zinc-200 p-4 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
        data-testid="run-card"
        aria-label="Run"
      >
        <RunAnnouncer lines={announcements} />
        {error ?? "Loading run…"}
      </section>
    );
  }

  const { run } = view;
  const finished = isTerminal(run.status);
  const name = title ?? view.workflowTitle ?? view.plan?.title;
  const started = run.startedAt ?? run.createdAt;
  // wait.approval is the only wait whose input carries a prompt for the person. A run that
  // ended (cancelled while it waited) asks nothing any more.
  const waitingApproval = finished
    ? []
    : timeline.steps.filter(
        (s) =>
          s.state === "waiting" &&
          typeof (s.latest?.input as { prompt?: unknown } | null)?.prompt === "string",
      );
  const { settled, total } = timeline.progress;

  function openRerun(choice: RerunChoice | string) {
    const pick = choice === "pick";
    const failed = view?.run.status !== "succeeded" ? "failed" : "start";
    setRerunAsk({ from: pick ? failed : choice, pick });
  }
  function closeRerun() {
    setRerunAsk(null);
    rerunButton.current?.focus();
  }
  function rerunStarted({ run: next }: StartedRerun) {
    setRerunAsk(null);
    // Outside a thread (the run's own page) the new run is shown on its page.
    if (!inThread) {
      router.push(`/workflows/${next.workflowId}/runs/${next.id}`);
      return;
    }
    setRerunsStarted((all) => [
      { runId: next.id, status: next.status as WireRunLink["status"], createdAt: next.createdAt },
      ...all,
    ]);
    rerunButton.current?.focus();
  }
  const rerunAs = [
    ...rerunsStarted.filter((link) => !view.rerunAs?.some((known) => known.runId === link.runId)),
    ...(view.rerunAs ?? []),
  ];
  const mainSteps = timeline.steps.filter((s) => s.step.phase === "main");

  return (
    <section
      className="min-w-0 rounded-xl border border-zinc-200 text-sm dark:border-zinc-800"
      data-testid="run-card"
      data-status={run.status}
      aria-label={name ? `Run of ${name}` : "Run"}
      ref={card}
      tabIndex={-1}
    >
      <RunAnnouncer lines={announcements} />
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-zinc-200 px-3 py-2 sm:px-4 dark:border-zinc-800">
        <span className="min-w-0 truncate font-medium" data-testid="run-title">
          {name ? `Run of ${name}` : "Run"}
        </span>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${pillTone[run.status]}`}
          data-testid="run-status"
        >
          {run.status}
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="run-progress">
          {total > 0 ? `${settled} of ${total} steps` : ""}
        </span>
        <span
          className="text-xs tabular-nums text-zinc-500 dark:text-zinc-400"
          title={new Date(started).toString()}
          data-testid="run-elapsed"
        >
          {formatWhen(started)} · {formatDuration(durationBetween(started, run.finishedAt ?? now))}
        </span>
        <Link
          href={`/workflows/${run.workflowId}`}
          className="text-xs text-zinc-500 dark:text-zinc-400 underline-offset-2 hover:underline"
          data-testid="run-workflow-link"
        >
          History
        </Link>
        <div className="ml-auto flex gap-1">
          {finished ? (
            <RerunControl
              status={run.status}
              open={rerunAsk !== null}
              onChoose={openRerun}
              buttonRef={rerunButton}
            />
          ) : null}
          {!finished ? (
            <button
              type="button"
              className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
              onClick={(event) => {
                cancelHadFocus.current = document.activeElement === event.currentTarget;
                void post(`/api/runs/${run.id}/cancel`);
              }}
              data-testid="run-cancel"
            >
              Cancel
            </button>
          ) : null}
          <button
            type="button"
            className="rounded-lg px-2 py-1 text-xs text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-zinc-100"
            onClick={() => setShowLog((v) => !v)}
            aria-expanded={showLog}
          >
            {showLog ? "Hide log" : "Log"}
          </button>
        </div>
      </header>

      {run.status === "failed" && run.error?.message ? (
        <p
          className="break-words border-b border-zinc-200 bg-red-50 px-3 py-2 text-red-800 sm:px-4 dark:border-zinc-800 dark:bg-red-950 dark:text-red-200"
          data-testid="run-error"
        >
          {run.error.step ? (
            <span className="font-medium">
              {timeline.steps.find((s) => s.step.id === run.error?.step)?.label ?? run.error.step}:{" "}
            </span>
          ) : null}
          {run.error.message}
        </p>
      ) : null}

      {run.status === "cancelled" && run.error?.message ? (
        <p
          className="break-words border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-zinc-700 sm:px-4 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300"
          data-testid="run-cancel-reason"
        >
          {run.error.message}
        </p>
      ) : null}

      <RerunLinks
        workflowId={run.workflowId}
        rerunOf={view.rerunOf ?? null}
        rerunAs={rerunAs}
        reusedCount={view.rerun?.reused.length ?? 0}
      />
      {rerunsStarted.length > 0 && inThread ? (
        <p
          role="status"
          className="border-b border-zinc-200 px-3 py-1.5 text-xs text-emerald-800 sm:px-4 dark:border-zinc-800 dark:text-emerald-300"
          data-testid="rerun-started"
        >
          Re-run started: its card is at the end of the thread.{" "}
          <button
            type="button"
            className="font-medium underline underline-offset-2"
            onClick={() => openRuns?.reveal(rerunsStarted[0].runId)}
          >
            Show it
          </button>
        </p>
      ) : null}

      {finished && rerunAsk !== null ? (
        <RerunPanel
          key={`${rerunAsk.from}:${rerunAsk.pick}`}
          runId={run.id}
          runStatus={run.status}
          steps={mainSteps.map((s) => ({ id: s.step.id, label: s.label }))}
          failedLabel={
            run.error?.step
              ? (timeline.steps.find((s) => s.step.id === run.error?.step)?.label ?? run.error.step)
              : null
          }
          initialFrom={rerunAsk.from}
          pickStep={rerunAsk.pick}
          onClose={closeRerun}
          onStarted={rerunStarted}
        />
      ) : null}

      {waitingApproval.map((s) => {
        const decision = s.decision ?? sent[s.step.id];
        return (
          <div
            key={s.step.id}
            className={`flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 sm:px-4 dark:border-zinc-800 ${
              decision ? "bg-zinc-50 dark:bg-zinc-900/60" : "bg-amber-50 dark:bg-amber-950/50"
            }`}
            data-testid="run-approval"
            data-step={s.step.id}
          >
            <span className="min-w-0 flex-1 basis-48">
              {(s.latest?.input as { prompt?: string } | null)?.prompt}{" "}
              <span className="text-xs text-zinc-500 dark:text-zinc-400">({s.label})</span>
              {s.deadline && !decision ? (
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                  Decide by {formatWhen(s.deadline)}
                </span>
              ) : null}
            </span>
            {decision ? (
              <span
                className={`text-xs font-medium ${
                  decision.approved === false
                    ? "text-zinc-700 dark:text-zinc-300"
                    : "text-emerald-700 dark:text-emerald-300"
                }`}
                role="status"
                data-testid="run-approval-decided"
              >
                {decisionSummary(decision, true)}
                {decision.at ? ` at ${formatWhen(decision.at)}` : ""}
              </span>
            ) : (
              <span className="flex shrink-0 gap-2">
                <button
                  type="button"
                  disabled={busy}
                  className="rounded-lg bg-zinc-900 px-3 py-1 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
                  onClick={() => decide(s.step.id, true)}
                  data-testid="run-approve"
                >
                  Approve
                </button>
                <button
                  type="button"
                  disabled={busy}
                  className="rounded-lg border border-zinc-300 px-3 py-1 text-xs font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
                  onClick={() => decide(s.step.id, false)}
                  data-testid="run-reject"
                >
                  Reject
                </button>
              </span>
            )}
          </div>
        );
      })}

      <div
        role="tablist"
        aria-label="Run views"
        className="flex gap-1 border-b border-zinc-200 px-3 pt-1.5 sm:px-4 dark:border-zinc-800"
      >
        {TABS.filter((t) => t.id !== "graph" || view.plan).map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`-mb-px border-b-2 px-2 pb-1.5 text-xs font-medium ${
              tab === t.id
                ? "border-zinc-900 text-zinc-900 dark:border-zinc-100 dark:text-zinc-100"
                : "border-transparent text-zinc-500 dark:text-zinc-400 hover:text-zinc-800 dark:hover:text-zinc-200"
            }`}
            onClick={() => setTab(t.id)}
            data-testid={`run-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>

      <div role="tabpanel">
        {tab === "steps" ? (
          timeline.steps.length === 0 ? (
            <p className="px-4 py-3 text-zinc-500 dark:text-zinc-400">
              {finished ? "No steps ran." : "Starting…"}
            </p>
          ) : (
            <StepList
              timeline={timeline}
              now={now}
              renderChild={(childId) => <RunCard runId={childId} />}
              childOfItem={(unit) => itemChildRunId(view, unit)}
              onRerunFrom={finished ? (stepId) => openRerun(stepId) : undefined}
              reusedSource={view.rerunOf ?? null}
              onResume={
                finished
                  ? undefined
                  : (stepId) => post(`/api/runs/${run.id}/waits/${stepId}`, { approved: true })
              }
              busy={busy}
            />
          )
        ) : null}
        {tab === "waterfall" ? <Waterfall timeline={timeline} /> : null}
        {tab === "graph" && view.plan ? (
          <RunGraph
            plan={view.plan}
            timeline={timeline}
            trigger={`Run started ${formatWhen(started)}`}
          />
        ) : null}
      </div>

      {showLog ? <RunLog events={view.events} /> : null}

      {problem ? (
        <p role="alert" className="px-4 py-2 text-red-600">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
