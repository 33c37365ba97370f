// What a re-run will do, step by step: which steps take the earlier run's output (reused), which
// run again, changed or new, and — marked so nobody misses it — what running them again does
// outside the run ("sends the email again"). The run card's re-run panel and the chat's
// confirmation card both show a re-run through this.
import type {
  RerunFate,
  RerunPreview,
  RerunSideEffectKind,
  RerunStepPreview,
} from "@/lib/runs/rerun-plan";

export const fateLabel: Record<RerunFate, string> = {
  reused: "reused",
  runs: "runs again",
  changed: "changed",
  new: "new",
};

const fateTone: Record<RerunFate, string> = {
  reused: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
  runs: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  changed: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300",
  new: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
};

const fateDot: Record<RerunFate, string> = {
  reused: "border-2 border-zinc-300 bg-transparent dark:border-zinc-600",
  runs: "bg-blue-500",
  changed: "bg-violet-500",
  new: "bg-emerald-500",
};

/** A side effect's kind in one word, for screen readers and the summary. */
const effectNoun: Record<RerunSideEffectKind, string> = {
  email: "email",
  slack: "Slack",
  chat: "chat",
  http: "HTTP",
  mcp: "MCP",
  store: "store",
  workflow: "workflow",
  approval: "approval",
  other: "action",
};

function WarningIcon({ className = "" }: { className?: string }) {
  return (
    <svg
      viewBox="0 0 20 20"
      fill="currentColor"
      aria-hidden
      focusable={false}
      className={`h-3.5 w-3.5 shrink-0 ${className}`}
    >
      <path
        fillRule="evenodd"
        d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 6a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 6Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

/** "sends the email again", marked: the thing a person must not miss. */
export function SideEffectMark({ says, kind }: { says: string; kind: RerunSideEffectKind }) {
  return (
    <span
      className="inline-flex max-w-full items-start gap-1 rounded-md bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300 ring-inset dark:bg-amber-400/15 dark:text-amber-200 dark:ring-amber-400/40"
      data-testid="rerun-side-effect"
      data-kind={kind}
    >
      <WarningIcon className="mt-px" />
      <span className="min-w-0 break-words">{says}</span>
    </span>
  );
}

const stepLabel = (step: { title: string | null; id: string }) => step.title ?? step.id;

function StepRow({ step, from }: { step: RerunStepPreview; from: boolean }) {
  const reused = step.fate === "reused";
  return (
    <li
      className="flex items-start gap-2.5 px-3 py-2"
      data-testid="rerun-step"
      data-step={step.id}
      data-fate={step.fate}
    >
      <span
        aria-hidden
        className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${fateDot[step.fate]}`}
      />
      <span className="flex min-w-0 flex-1 flex-col gap-1">
        <span className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <span
            className={`min-w-0 break-words font-medium ${reused ? "text-zinc-500 dark:text-zinc-400" : ""}`}
          >
            {stepLabel(step)}
          </span>
          {step.title ? (
            <code className="text-[11px] text-zinc-500 dark:text-zinc-400">{step.id}</code>
          ) : null}
          {from ? (
            <span className="text-[11px] font-medium text-blue-700 dark:text-blue-300">
              starts here
            </span>
          ) : null}
        </span>
        {from && step.fate === "runs" ? null : (
          <span
            className="text-xs text-zinc-600 dark:text-zinc-400"
            data-testid="rerun-step-reason"
          >
            {reused ? "uses the output of the earlier run" : step.reason}
          </span>
        )}
        {step.sideEffect ? (
          <span>
            <SideEffectMark says={step.sideEffect.says} kind={step.sideEffect.kind} />
          </span>
        ) : null}
      </span>
      <span
        className={`shrink-0 rounded-full px-2 py-0.5 text-[11px] font-medium ${fateTone[step.fate]}`}
        data-testid="rerun-step-fate"
      >
        {fateLabel[step.fate]}
      </span>
    </li>
  );
}

/** "2 steps run again, 3 reused" — what Confirm will do, in one line. */
export function rerunSummary(preview: RerunPreview): string {
  const main = preview.steps.filter((step) => step.phase === "main");
  const reused = main.filter((step) => step.fate === "reused").length;
  const again = main.length - reused;
  const steps = (n: number) => `${n} step${n === 1 ? "" : "s"}`;
  if (reused === 0) return `All ${steps(again)} run again`;
  if (again === 0) return `Every step reused, nothing runs again`;
  return `${steps(again)} run${again === 1 ? "s" : ""} again, ${reused} reused`;
}

/** Main steps that would do something outside the run again. */
export function effectsAgain(preview: RerunPreview): RerunStepPreview[] {
  return preview.steps.filter((step) => step.phase === "main" && step.sideEffect);
}

export function RerunPreviewView({
  preview,
  compact = false,
}: {
  preview: RerunPreview;
  /** The chat's confirmation card: no frame of its own around the list. */
  compact?: boolean;
}) {
  const main = preview.steps.filter((step) => step.phase === "main");
  const onFailure = preview.steps.filter((step) => step.phase === "onFailure");
  const effects = effectsAgain(preview);
  const frame = compact
    ? "rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950"
    : "rounded-lg border border-zinc-200 dark:border-zinc-800";
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="rerun-preview">
      {effects.length > 0 ? (
        <div
          className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950 dark:border-amber-400/40 dark:bg-amber-400/10 dark:text-amber-100"
          data-testid="rerun-effects"
        >
          <p className="flex items-center gap-1.5 font-medium">
            <WarningIcon className="h-4 w-4 text-amber-600 dark:text-amber-300" />
            {effects.length === 1
              ? "1 step does something outside the run again"
              : `${effects.length} steps do something outside the run again`}
          </p>
          <ul className="mt-1 flex flex-col gap-0.5 pl-5.5 text-xs">
            {effects.map((step) => (
              <li key={step.id} className="break-words">
                <span className="font-medium">{stepLabel(step)}</span>{" "}
                <span className="sr-only">({effectNoun[step.sideEffect?.kind ?? "other"]})</span>
                {step.sideEffect?.says}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="rerun-no-effects">
          No step that runs again sends, posts or writes anything outside the run.
        </p>
      )}

      {preview.diff && preview.diff.length > 0 ? (
        <div className="rounded-lg border border-zinc-200 text-xs dark:border-zinc-800">
          <p className="px-3 pt-1.5 font-medium">
            Changes from version {preview.versions.pinned} (this run's) to version{" "}
            {preview.versions.target}
          </p>
          <ul className="flex flex-col gap-0.5 px-3 pt-1 pb-2 font-mono" data-testid="rerun-diff">
            {preview.diff.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines are static and may repeat
              <li key={index} className={`break-words ${diffTone[line[0]] ?? ""}`}>
                {line}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <ol
        className={`divide-y divide-zinc-100 dark:divide-zinc-800/70 ${frame}`}
        aria-label="Steps of the re-run"
        data-testid="rerun-steps"
      >
        {main.map((step) => (
          <StepRow key={step.id} step={step} from={step.id === preview.fromStep} />
        ))}
      </ol>

      {onFailure.length > 0 ? (
        <div className="flex flex-col gap-1">
          <p className="text-xs text-zinc-500 dark:text-zinc-400">If the re-run fails</p>
          <ol className={`divide-y divide-zinc-100 dark:divide-zinc-800/70 ${frame}`}>
            {onFailure.map((step) => (
              <StepRow key={step.id} step={step} from={false} />
            ))}
          </ol>
        </div>
      ) : null}

      {preview.removed.length > 0 ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="rerun-removed">
          Not in this version any more: {preview.removed.map((step) => stepLabel(step)).join(", ")}
        </p>
      ) : null}
    </div>
  );
}

const diffTone: Record<string, string> = {
  "+": "text-emerald-700 dark:text-emerald-400",
  "-": "text-red-700 dark:text-red-400",
  "~": "text-amber-700 dark:text-amber-400",
};

/** The trigger payload the re-run starts with, as JSON. */
export function payloadText(payload: unknown): string {
  if (payload === null || payload === undefined) return "";
  return JSON.stringify(payload, null, 2);
}
