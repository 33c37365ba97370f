"use client";

// A test run's card (lib/runs/test-run.ts): the verdict (would succeed / would fail), then
// every step as ran (with its output), simulated (with what it would have sent), skipped (why)
// or not reached, as a list and on the plan's graph. Live through useRun, like a run card.
import { useEffect, useMemo, useRef, useState } from "react";
import { AppError } from "@/lib/errors";
import { durationBetween, formatDuration } from "@/lib/format/duration";
import { formatWhen } from "@/lib/format/time";
import { OUTSIDE_LABEL, type WouldSend } from "@/lib/plan/effects";
import type { Plan } from "@/lib/plan/schema";
import { isTerminal } from "@/lib/runs/status";
import {
  countsInWords,
  type TestOutcome,
  type TestStepResult,
  testReport,
} from "@/lib/runs/test-report";
import { type NodeState, PlanGraph } from "../../plan/plan-graph";
import { ScrollPre } from "../../scroll-region";
import { graphPlan } from "../timeline/run-graph";
import { RunLog } from "../timeline/run-log";
import { useNow } from "../timeline/use-now";
import { useRun } from "../use-run";
import { TestWaitChoice } from "./test-wait-choice";

type Tab = "steps" | "graph";

/** How each outcome looks: pill, graph node and words. */
const OUTCOME: Record<TestOutcome, { pill: string; node: string; words: string }> = {
  ran: {
    pill: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
    node: "border-emerald-500 bg-emerald-50 dark:bg-emerald-950/60",
    words: "ran",
  },
  simulated: {
    pill: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200",
    node: "border-violet-500 bg-violet-50 dark:bg-violet-950/60",
    words: "simulated",
  },
  skipped: {
    pill: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
    node: "border-dashed border-zinc-400 dark:border-zinc-600",
    words: "skipped",
  },
  "not reached": {
    pill: "bg-zinc-100 text-zinc-500 ring-1 ring-zinc-300 ring-inset dark:bg-zinc-900 dark:text-zinc-400 dark:ring-zinc-700",
    node: "border-dotted border-zinc-400 opacity-60 dark:border-zinc-600",
    words: "not reached",
  },
  failed: {
    pill: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
    node: "border-red-500 bg-red-50 dark:bg-red-950/60",
    words: "failed",
  },
  running: {
    pill: "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-200",
    node: "border-blue-500 bg-blue-50 dark:bg-blue-950/60",
    words: "running",
  },
  pending: {
    pill: "bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400",
    node: "border-zinc-300 dark:border-zinc-700",
    words: "pending",
  },
  waiting: {
    pill: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
    node: "border-amber-500 bg-amber-50 dark:bg-amber-950/60",
    words: "waits for you",
  },
};

const VERDICT: Record<string, { words: string; tone: string }> = {
  running: { words: "testing…", tone: OUTCOME.running.pill },
  succeeded: { words: "would succeed", tone: OUTCOME.ran.pill },
  failed: { words: "would fail", tone: OUTCOME.failed.pill },
  cancelled: { words: "cancelled", tone: OUTCOME.pending.pill },
  asking: { words: "waits for you", tone: OUTCOME.waiting.pill },
};

/** What a test card says when its run is gone: test runs are pruned a day after they ran. */
export const TEST_REMOVED = "This test run was removed: test runs are kept for a day.";

/** JSON on one line while it is short, indented once it is not. */
function pretty(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "string") return value;
  const line = JSON.stringify(value);
  return line.length <= 80 ? line : JSON.stringify(value, null, 2);
}

const capitalised = (text: string) => (text ? text[0].toUpperCase() + text.slice(1) : text);

const field = "grid grid-cols-[4.5rem_1fr] gap-x-2 gap-y-0.5";
const pre =
  "max-h-48 overflow-auto rounded bg-white/70 p-2 font-mono text-[11px] leading-4 whitespace-pre-wrap [overflow-wrap:anywhere] dark:bg-zinc-950/60";

/** What a simulated step would have sent, field by field. */
function WouldSendView({ send }: { send: WouldSend }) {
  const rows: [string, string][] = [];
  if (send.from) rows.push(["from", send.from]);
  if (send.to) rows.push(["to", send.to.join(", ")]);
  if (send.cc?.length) rows.push(["cc", send.cc.join(", ")]);
  if (send.replyTo) rows.push(["reply to", send.replyTo]);
  if (send.subject) rows.push(["subject", send.subject]);
  if (send.kind === "slack" && send.url) rows.push(["webhook", `at ${send.url}`]);
  else if (send.method || send.url) {
    // The summary names the method and the URL already; the row adds its query, if any.
    const request = `${send.method ?? ""} ${send.url ?? ""}`.trim();
    if (request !== send.summary) rows.push(["request", request]);
  }
  if (send.key) rows.push(["key", send.key]);
  if (send.ttl) rows.push(["keeps for", send.ttl]);
  if (send.workflow) rows.push(["workflow", send.workflow.title]);
  if (send.server && send.tool) rows.push(["tool", `${send.server}.${send.tool}`]);
  const bodyLabel = send.kind === "approval" ? "asks" : send.kind === "chat" ? "posts" : "text";
  return (
    <div
      className="flex flex-col gap-1.5 rounded-lg border border-violet-200 bg-violet-50/60 p-2 text-xs dark:border-violet-900 dark:bg-violet-950/30"
      data-testid="would-send"
      data-kind={send.kind}
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 font-medium text-violet-950 dark:text-violet-100">
        <span className="[overflow-wrap:anywhere]">{capitalised(send.summary)}</span>
        {send.outside ? (
          <span
            className="rounded bg-rose-100 px-1 text-[10px] leading-4 font-medium text-rose-900 ring-1 ring-rose-300 ring-inset dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-800"
            data-testid="would-send-outside"
          >
            {OUTSIDE_LABEL}
          </span>
        ) : null}
      </p>
      {rows.length > 0 ? (
        <dl className={field}>
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
              <dd className="min-w-0 [overflow-wrap:anywhere]">{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {send.body ? (
        <div className={field}>
          <span className="text-zinc-500 dark:text-zinc-400">{bodyLabel}</span>
          <ScrollPre label="Body" className={pre}>
            {send.body}
          </ScrollPre>
        </div>
      ) : null}
      {send.headers && Object.keys(send.headers).length > 0 ? (
        <details className="text-zinc-600 dark:text-zinc-400">
          <summary className="cursor-pointer">headers</summary>
          <ScrollPre label="Headers" className={`${pre} mt-1`}>
            {pretty(send.headers)}
          </ScrollPre>
        </details>
      ) : null}
      {send.payload !== undefined ? (
        <div className={field}>
          <span className="text-zinc-500 dark:text-zinc-400">
            {send.kind === "store"
              ? "value"
              : send.kind === "mcp"
                ? "arguments"
                : send.branch
                  ? "what arrived"
                  : "payload"}
          </span>
          <ScrollPre label="Payload" className={pre}>
            {pretty(send.payload)}
          </ScrollPre>
        </div>
      ) : null}
    </div>
  );
}

function StepRow({ step, runId }: { step: TestStepResult; runId: string }) {
  const tone = OUTCOME[step.outcome];
  return (
    <li
      className="flex flex-col gap-1.5 px-3 py-2 sm:px-4"
      data-testid={`test-step-${step.stepId}`}
      data-outcome={step.outcome}
    >
      <div className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-1">
        <span
          className={`shrink-0 rounded-full px-2 py-0.5 text-[11px] font-medium ${tone.pill}`}
          data-testid="test-step-outcome"
        >
          {tone.words}
        </span>
        <span className="min-w-0 font-medium [overflow-wrap:anywhere]">{step.label}</span>
        <span className="font-mono text-[10px] text-zinc-500 dark:text-zinc-400">
          {step.action}
        </span>
        {step.phase === "onFailure" ? (
          <span className="text-[11px] text-red-700 dark:text-red-300">if the run fails</span>
        ) : null}
      </div>
      {step.outcome === "simulated" ? (
        <div className="flex flex-col gap-1.5">
          {(step.wouldSend ?? []).map((send, index) => (
            // Simulations of a loop's items are in item order and never reorder.
            // biome-ignore lint/suspicious/noArrayIndexKey: items are positional
            <WouldSendView key={index} send={send} />
          ))}
        </div>
      ) : null}
      {step.outcome === "waiting" ? <TestWaitChoice runId={runId} step={step} /> : null}
      {step.outcome === "ran" ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            Output{step.items !== undefined ? ` of ${step.items} items` : ""}
          </summary>
          <ScrollPre label="Output" className={`${pre} mt-1 bg-zinc-50 dark:bg-zinc-900`}>
            {pretty(step.output)}
          </ScrollPre>
        </details>
      ) : null}
      {(step.outcome === "skipped" || step.outcome === "not reached") && step.reason ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">{step.reason}</p>
      ) : null}
      {step.outcome === "failed" ? (
        <p className="text-xs break-words text-red-800 dark:text-red-300">{step.error}</p>
      ) : null}
    </li>
  );
}

/**
 * The test on the plan's graph, each step coloured by its outcome; clicking one shows what it
 * did or would send. It fits itself to its box when it mounts: a box that changes width (a
 * phone turned, a window resized) mounts it again, as the run card's graph does.
 */
function TestGraph({
  plan,
  steps,
  trigger,
  runId,
}: {
  plan: Plan;
  steps: TestStepResult[];
  trigger: string;
  runId: string;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [widthBucket, setWidthBucket] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidthBucket(Math.round(entry.contentRect.width / 40)),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const states = useMemo(() => {
    const out: Record<string, NodeState> = {};
    for (const step of steps) {
      const tone = OUTCOME[step.outcome];
      out[step.stepId] = { name: step.outcome, tone: tone.node, label: tone.words };
    }
    return out;
  }, [steps]);
  const chosen = steps.find((step) => step.stepId === selected);
  return (
    <div ref={box} className="space-y-2 px-3 py-2 sm:px-4" data-testid="test-graph">
      <PlanGraph
        key={widthBucket}
        plan={plan}
        phrases={{}}
        actions={{}}
        trigger={trigger}
        selected={selected}
        onSelect={setSelected}
        states={states}
      />
      {chosen ? (
        <ul className="rounded-lg border border-zinc-200 text-xs dark:border-zinc-800">
          <StepRow step={chosen} runId={runId} />
        </ul>
      ) : (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Click a step to see what it did or would send.
        </p>
      )}
    </div>
  );
}

export function TestRunCard({ runId, title }: { runId: string; title?: string }) {
  const { view, error, missing } = useRun(runId);
  const [tab, setTab] = useState<Tab>("steps");
  const [showLog, setShowLog] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const live = view ? !isTerminal(view.run.status) : false;
  const now = useNow(live);
  const report = useMemo(() => (view ? testReport(view, now) : null), [view, now]);
  const shape = useMemo(() => (view?.plan ? graphPlan(view.plan) : null), [view?.plan]);

  if (!view || !report) {
    return (
      <div
        className="rounded-xl border border-violet-200 p-4 text-sm text-zinc-500 dark:text-zinc-400 dark:border-violet-900"
        data-testid="test-run-card"
      >
        {missing ? TEST_REMOVED : (error ?? "Loading the test…")}
      </div>
    );
  }

  const { run } = view;
  const name = title ?? view.workflowTitle ?? view.plan?.title ?? "the plan";
  const started = run.startedAt ?? run.createdAt;
  const asking = report.steps.some((step) => step.outcome === "waiting");
  const verdict = VERDICT[report.status === "running" && asking ? "asking" : report.status];
  const counts = countsInWords(report.counts);

  async function cancel() {
    setProblem(null);
    const response = await fetch(`/api/runs/${runId}/cancel`, { method: "POST" });
    if (!response.ok) {
      const body = await response.json().catch(() => undefined);
      setProblem(AppError.fromJSON(body)?.message ?? "The test could not be cancelled.");
    }
  }

  return (
    <section
      className="min-w-0 rounded-xl border border-violet-200 text-sm dark:border-violet-900"
      data-testid="test-run-card"
      data-status={report.status}
      aria-label={`Test of ${name}`}
    >
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1 border-b border-violet-200 bg-violet-50/60 px-3 py-2 sm:px-4 dark:border-violet-900 dark:bg-violet-950/30">
        <span className="min-w-0 truncate font-medium" data-testid="test-title">
          Test of {name}
        </span>
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${verdict.tone}`}
          data-testid="test-verdict"
        >
          {verdict.words}
        </span>
        <span
          className="text-xs tabular-nums text-zinc-500 dark:text-zinc-400"
          title={new Date(started).toString()}
        >
          {formatWhen(started)} · {formatDuration(durationBetween(started, run.finishedAt ?? now))}
        </span>
        <div className="ml-auto flex gap-1">
          {live ? (
            <button
              type="button"
              className="rounded-lg border border-zinc-300 px-2 py-1 text-xs hover:bg-white dark:border-zinc-700 dark:hover:bg-zinc-900"
              onClick={() => void cancel()}
              data-testid="test-cancel"
            >
              Cancel
            </button>
          ) : null}
          <button
            type="button"
            className="rounded-lg px-2 py-1 text-xs text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            onClick={() => setShowLog((v) => !v)}
            aria-expanded={showLog}
          >
            {showLog ? "Hide log" : "Log"}
          </button>
        </div>
      </header>

      <p
        className="border-b border-zinc-200 px-3 py-2 text-xs text-zinc-700 sm:px-4 dark:border-zinc-800 dark:text-zinc-300"
        data-testid="test-note"
      >
        {live ? (
          <>
            Nothing is sent: side effects are only simulated. Reads run for real with your secrets.
            A test is not part of the history.
          </>
        ) : (
          <>
            Nothing was sent: {report.counts.simulated}{" "}
            {report.counts.simulated === 1 ? "step was" : "steps were"} only simulated. Reads ran
            for real with your secrets. A test is not part of the history.
          </>
        )}
        {counts ? <span className="block text-zinc-500 dark:text-zinc-400">{counts}</span> : null}
      </p>

      {run.status === "failed" && run.error?.message ? (
        <p
          className="border-b border-zinc-200 bg-red-50 px-3 py-2 break-words text-red-800 sm:px-4 dark:border-zinc-800 dark:bg-red-950 dark:text-red-200"
          data-testid="test-error"
        >
          {run.error.step ? (
            <span className="font-medium">
              {report.steps.find((s) => s.stepId === run.error?.step)?.label ?? run.error.step}{" "}
              would fail:{" "}
            </span>
          ) : null}
          {run.error.message}
        </p>
      ) : null}

      <div
        role="tablist"
        aria-label="Test views"
        className="flex gap-1 border-b border-zinc-200 px-3 pt-1.5 sm:px-4 dark:border-zinc-800"
      >
        {(["steps", "graph"] as const)
          .filter((t) => t !== "graph" || shape)
          .map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={`-mb-px border-b-2 px-2 pb-1.5 text-xs font-medium ${
                tab === t
                  ? "border-zinc-900 text-zinc-900 dark:border-zinc-100 dark:text-zinc-100"
                  : "border-transparent text-zinc-500 dark:text-zinc-400 hover:text-zinc-800 dark:hover:text-zinc-200"
              }`}
              onClick={() => setTab(t)}
              data-testid={`test-tab-${t}`}
            >
              {t === "steps" ? "Steps" : "Graph"}
            </button>
          ))}
      </div>

      <div role="tabpanel">
        {tab === "steps" ? (
          <ol
            className="divide-y divide-zinc-100 dark:divide-zinc-800/70"
            aria-label="What each step did in the test"
          >
            {report.steps.map((step) => (
              <StepRow key={`${step.phase}:${step.stepId}`} step={step} runId={runId} />
            ))}
          </ol>
        ) : null}
        {tab === "graph" && shape ? (
          <TestGraph
            plan={shape}
            steps={report.steps}
            trigger={`Test started ${formatWhen(started)}`}
            runId={runId}
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
