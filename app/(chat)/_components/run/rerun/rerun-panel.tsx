"use client";

// The re-run panel inside a finished run's card: where to start from, on which version, with
// which inputs, and the preview of what that re-run does (rerun-preview.tsx) before the person
// confirms. Inline rather than a dialog, so it reads the same on a phone and keeps the run it
// re-runs in view. Confirming starts the re-run; its card comes into the thread through the
// thread's live stream.
import { useEffect, useId, useRef, useState } from "react";
import type { RerunPreview, RerunVersion } from "@/lib/runs/rerun-plan";
import { ScrollPre } from "../../scroll-region";
import { fetchRerunPreview, type StartedRerun, startRerun } from "./rerun-api";
import { payloadText, RerunPreviewView, rerunSummary } from "./rerun-preview";

export type RerunStepOption = { id: string; label: string };

const EDITABLE_NAME: Record<"inputs" | "body" | "data", { noun: string; edit: string }> = {
  inputs: { noun: "Inputs", edit: "Edit inputs" },
  body: { noun: "Webhook body", edit: "Edit the body" },
  data: { noun: "Event data", edit: "Edit the data" },
};

const TRIGGER_NAME: Record<RerunPreview["trigger"]["type"], string> = {
  manual: "started by hand",
  schedule: "started by its schedule",
  webhook: "started by its webhook",
  event: "started by an event",
};

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500";

/** The JSON typed into the editor, as the inputs to send, or what is wrong with it. */
function parseInputs(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `This is not JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'Write a JSON object: { "name": value, … }.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function RerunPanel({
  runId,
  runStatus,
  steps,
  failedLabel,
  initialFrom,
  pickStep = false,
  onClose,
  onStarted,
}: {
  runId: string;
  runStatus: string;
  /** The run's main steps in run order, to start from. */
  steps: RerunStepOption[];
  /** The step the run failed or stopped at, when there is one, for the "from" choice. */
  failedLabel: string | null;
  initialFrom: string;
  /** Opened to pick a step: focus goes to the "Start from" choice. */
  pickStep?: boolean;
  onClose: () => void;
  onStarted: (started: StartedRerun) => void;
}) {
  const [from, setFrom] = useState(initialFrom);
  const [version, setVersion] = useState<RerunVersion>("pinned");
  const [inputs, setInputs] = useState<Record<string, unknown> | undefined>(undefined);
  const [draft, setDraft] = useState<string | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [preview, setPreview] = useState<RerunPreview | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const fromRef = useRef<HTMLSelectElement>(null);
  const ids = { heading: useId(), from: useId(), editor: useId(), version: useId() };

  useEffect(() => {
    (pickStep ? fromRef.current : headingRef.current)?.focus();
  }, [pickStep]);

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    setProblem(null);
    fetchRerunPreview(runId, { from, version, inputs }, abort.signal)
      .then((next) => {
        setPreview(next);
        setLoading(false);
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        setPreview(null);
        setProblem(error instanceof Error ? error.message : String(error));
        setLoading(false);
      });
    return () => abort.abort();
  }, [runId, from, version, inputs]);

  async function confirm() {
    setStarting(true);
    setProblem(null);
    try {
      const started = await startRerun(runId, { from, version, inputs });
      onStarted(started);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setStarting(false);
    }
  }

  function applyDraft() {
    if (draft === null) return;
    const parsed = parseInputs(draft);
    if (!parsed.ok) {
      setDraftError(parsed.error);
      return;
    }
    setDraftError(null);
    setInputs(parsed.value);
    setDraft(null);
  }

  const editable = preview?.trigger.editable ?? null;
  const names = editable ? EDITABLE_NAME[editable] : null;
  const stopped = runStatus === "cancelled" ? "where it stopped" : "the failed step";
  const canConfirm =
    !loading && !starting && preview !== null && problem === null && draft === null;

  return (
    <section
      className="flex flex-col gap-3 border-b border-zinc-200 bg-zinc-50/70 px-3 py-3 sm:px-4 dark:border-zinc-800 dark:bg-zinc-900/40"
      aria-labelledby={ids.heading}
      data-testid="rerun-panel"
      onKeyDown={(event) => {
        if (event.key === "Escape" && !starting) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="flex items-start gap-2">
        <h3
          id={ids.heading}
          ref={headingRef}
          tabIndex={-1}
          className="min-w-0 flex-1 text-sm font-semibold outline-none"
        >
          Re-run this run
          <span className="block text-xs font-normal text-zinc-600 dark:text-zinc-400">
            A new run, linked to this one. Check what runs again before you confirm.
          </span>
        </h3>
        <button
          type="button"
          onClick={onClose}
          className={`shrink-0 rounded-md px-1.5 py-0.5 text-xs text-zinc-600 hover:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800 ${focusRing}`}
          aria-label="Close the re-run preview"
        >
          Close
        </button>
      </div>

      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex min-w-0 flex-col gap-1 text-xs" htmlFor={ids.from}>
          <span className="font-medium text-zinc-700 dark:text-zinc-300">Start from</span>
          <select
            id={ids.from}
            ref={fromRef}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            className={`min-h-9 w-full min-w-0 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900 ${focusRing}`}
            data-testid="rerun-from"
          >
            {runStatus !== "succeeded" ? (
              <option value="failed">
                {failedLabel
                  ? `${stopped[0].toUpperCase()}${stopped.slice(1)} (${failedLabel})`
                  : stopped}
              </option>
            ) : null}
            <option value="start">The start</option>
            {steps.map((step) => (
              <option key={step.id} value={step.id}>
                Step: {step.label}
              </option>
            ))}
          </select>
        </label>

        <fieldset className="flex min-w-0 flex-col gap-1 text-xs">
          <legend className="mb-1 font-medium text-zinc-700 dark:text-zinc-300">Version</legend>
          <div
            className="grid grid-cols-2 rounded-md border border-zinc-300 bg-white p-0.5 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="rerun-version"
          >
            {(["pinned", "latest"] as const).map((option) => (
              <label
                key={option}
                className={`flex min-h-8 cursor-pointer items-center justify-center rounded px-2 text-center has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-blue-500 ${
                  version === option
                    ? "bg-zinc-900 font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
                    : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
                }`}
              >
                <input
                  type="radio"
                  name={ids.version}
                  value={option}
                  checked={version === option}
                  onChange={() => setVersion(option)}
                  className="sr-only"
                  data-testid={`rerun-version-${option}`}
                />
                {option === "pinned"
                  ? `This run's${preview ? ` (v${preview.versions.pinned})` : ""}`
                  : `Latest approved${preview && version === "latest" ? ` (v${preview.versions.target})` : ""}`}
              </label>
            ))}
          </div>
        </fieldset>
      </div>

      {preview && version === "latest" && preview.versions.target === preview.versions.pinned ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="rerun-same-version">
          The latest approved version is this run's own (v{preview.versions.pinned}): nothing
          differs.
        </p>
      ) : null}

      {problem ? (
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          data-testid="rerun-error"
        >
          {problem}
        </p>
      ) : null}

      {loading && !preview ? (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" role="status">
          Working out what runs again…
        </p>
      ) : null}

      {preview ? (
        <div className={loading ? "opacity-60 transition-opacity" : ""} aria-busy={loading}>
          <RerunPreviewView preview={preview} />
        </div>
      ) : null}

      {preview ? (
        <div className="flex min-w-0 flex-col gap-1.5 text-xs" data-testid="rerun-trigger">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="font-medium text-zinc-700 dark:text-zinc-300">
              {names ? names.noun : "Trigger"}
            </span>
            <span className="text-zinc-500 dark:text-zinc-400">
              {preview.trigger.inputsEdited
                ? "edited for this re-run"
                : `as the run had them (${TRIGGER_NAME[preview.trigger.type]})`}
            </span>
            {names && draft === null ? (
              <button
                type="button"
                className={`ml-auto rounded-md border border-zinc-300 bg-white px-2 py-0.5 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800 ${focusRing}`}
                onClick={() => setDraft(payloadText(preview.trigger.payload) || "{}")}
                data-testid="rerun-edit-inputs"
              >
                {names.edit}
              </button>
            ) : null}
          </div>
          {draft !== null ? (
            <div className="flex flex-col gap-1.5">
              <label htmlFor={ids.editor} className="sr-only">
                {names?.noun ?? "Inputs"} as JSON
              </label>
              <textarea
                id={ids.editor}
                value={draft}
                onChange={(event) => setDraft(event.target.value)}
                rows={Math.min(12, Math.max(3, draft.split("\n").length))}
                spellCheck={false}
                className={`w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
                aria-invalid={draftError ? true : undefined}
                aria-describedby={draftError ? `${ids.editor}-error` : undefined}
                data-testid="rerun-inputs-editor"
              />
              {draftError ? (
                <p id={`${ids.editor}-error`} className="text-red-700 dark:text-red-300">
                  {draftError}
                </p>
              ) : null}
              <div className="flex flex-wrap gap-2">
                <button
                  type="button"
                  onClick={applyDraft}
                  className={`rounded-md bg-zinc-900 px-2.5 py-1 font-medium text-white dark:bg-zinc-100 dark:text-zinc-900 ${focusRing}`}
                  data-testid="rerun-inputs-apply"
                >
                  Update the preview
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setDraft(null);
                    setDraftError(null);
                  }}
                  className={`rounded-md px-2.5 py-1 text-zinc-600 hover:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800 ${focusRing}`}
                >
                  Discard the edit
                </button>
              </div>
            </div>
          ) : preview.trigger.payload !== null && preview.trigger.payload !== undefined ? (
            <ScrollPre
              label="Inputs"
              className="max-h-40 overflow-auto rounded-md bg-white p-2 font-mono text-xs ring-1 ring-zinc-200 dark:bg-zinc-950 dark:ring-zinc-800"
              data-testid="rerun-payload"
            >
              {payloadText(preview.trigger.payload)}
            </ScrollPre>
          ) : (
            <p className="text-zinc-500 dark:text-zinc-400">Nothing to pass on.</p>
          )}
          {inputs !== undefined && draft === null ? (
            <button
              type="button"
              className={`self-start text-zinc-600 underline underline-offset-2 dark:text-zinc-400 ${focusRing}`}
              onClick={() => setInputs(undefined)}
            >
              Use the run's own again
            </button>
          ) : null}
        </div>
      ) : null}

      <div className="flex flex-wrap items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <button
          type="button"
          disabled={!canConfirm}
          onClick={() => void confirm()}
          className={`min-h-11 rounded-lg bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:opacity-50 sm:min-h-9 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 ${focusRing}`}
          data-testid="rerun-confirm"
        >
          {starting ? "Starting…" : "Confirm re-run"}
        </button>
        <button
          type="button"
          onClick={onClose}
          disabled={starting}
          className={`min-h-11 rounded-lg border border-zinc-300 bg-white px-4 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:opacity-50 sm:min-h-9 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 ${focusRing}`}
          data-testid="rerun-cancel"
        >
          Cancel
        </button>
        {preview && !problem ? (
          <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="rerun-summary">
            {rerunSummary(preview)}
          </span>
        ) : null}
      </div>
    </section>
  );
}
