"use client";

// The structured editor of a plan, first version: the plan as JSON with live validation. JSON
// syntax is checked in the browser at once; the plan itself is checked (debounced) by the
// server's validator with the real action catalog, so what passes here is what can be saved.
// Errors are listed with their paths as the person types. Saving creates a new version
// authored by the person.
import { useEffect, useMemo, useState } from "react";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";
import { type PlanCheck, planErrorsOf, saveEditedPlan, validatePlanRemote } from "./plan-api";
import { usePlanCards } from "./plan-cards-context";

type Issue = { path: string; message: string };
type Status =
  | { kind: "checking" }
  | { kind: "checked"; text: string; result: PlanCheck }
  | { kind: "unavailable"; message: string };

const CHECK_DELAY_MS = 250;

function parse(text: string): { ok: true; value: unknown } | { ok: false; issue: Issue } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issue: { path: "", message: `not valid JSON: ${reason}` } };
  }
}

export function PlanEditor({ card, onClose }: { card: PlanCardData; onClose: () => void }) {
  const store = usePlanCards();
  const original = useMemo(() => JSON.stringify(card.plan, null, 2), [card.plan]);
  const [text, setText] = useState(original);
  const [note, setNote] = useState("");
  const [status, setStatus] = useState<Status>({ kind: "checking" });
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const parsed = useMemo(() => parse(text), [text]);

  useEffect(() => {
    if (!parsed.ok) return;
    const controller = new AbortController();
    setStatus({ kind: "checking" });
    const timer = setTimeout(() => {
      validatePlanRemote(parsed.value, controller.signal)
        .then((result) => setStatus({ kind: "checked", text, result }))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setStatus({
            kind: "unavailable",
            message: error instanceof Error ? error.message : "The plan could not be checked.",
          });
        });
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [parsed, text]);

  const current = status.kind === "checked" && status.text === text ? status.result : undefined;
  const errors: Issue[] = !parsed.ok ? [parsed.issue] : (current?.errors ?? []);
  const valid = parsed.ok && current?.ok === true;
  const unchanged = text === original;

  async function save() {
    if (!parsed.ok) return;
    setSaving(true);
    setProblem(null);
    try {
      const saved = await saveEditedPlan(card.workflow.id, {
        baseVersionId: card.version.id,
        plan: parsed.value,
        note: note.trim() || undefined,
      });
      store.put(saved.card);
      await store.refreshWorkflow(card.workflow.id);
      if (saved.message) store.appendMessage(saved.message);
      onClose();
    } catch (error) {
      const issues = planErrorsOf(error);
      if (issues.length > 0) {
        setStatus({ kind: "checked", text, result: { ok: false, errors: issues, warnings: [] } });
      }
      setProblem(error instanceof Error ? error.message : "Could not save the plan.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="flex flex-col gap-2" data-testid="plan-editor" aria-label="Edit plan">
      <label className="text-xs font-medium" htmlFor={`plan-json-${card.version.id}`}>
        Plan (JSON) — saving creates version {card.latestNumber + 1}
      </label>
      <textarea
        id={`plan-json-${card.version.id}`}
        value={text}
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
        rows={Math.min(28, Math.max(10, original.split("\n").length + 1))}
        className="w-full rounded-lg border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        data-testid="plan-editor-input"
        aria-invalid={errors.length > 0}
        aria-describedby={`plan-check-${card.version.id}`}
      />
      <div id={`plan-check-${card.version.id}`} aria-live="polite" className="text-xs">
        {errors.length > 0 ? (
          <ul
            className="flex max-h-40 flex-col gap-0.5 overflow-auto rounded-lg bg-red-50 p-2 [overflow-wrap:anywhere] text-red-800 dark:bg-red-950 dark:text-red-200"
            data-testid="plan-editor-errors"
          >
            {errors.map((issue) => (
              <li key={`${issue.path}|${issue.message}`}>
                <code className="font-mono">{issue.path || "(plan)"}</code>: {issue.message}
              </li>
            ))}
          </ul>
        ) : status.kind === "unavailable" ? (
          <p className="text-red-700 dark:text-red-300">{status.message}</p>
        ) : valid ? (
          <p className="text-emerald-700 dark:text-emerald-400" data-testid="plan-editor-ok">
            {unchanged ? "No changes yet." : "The plan is valid."}
          </p>
        ) : (
          <p className="text-zinc-500 dark:text-zinc-400" data-testid="plan-editor-checking">
            Checking…
          </p>
        )}
      </div>
      <input
        value={note}
        onChange={(event) => setNote(event.target.value)}
        maxLength={500}
        placeholder="What did you change? (optional)"
        className="rounded-lg border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
        aria-label="Change note"
        data-testid="plan-editor-note"
      />
      {problem ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          onClick={save}
          disabled={!valid || unchanged || saving}
          className="rounded-lg bg-zinc-900 px-3 py-1.5 text-xs font-medium text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900"
          data-testid="plan-editor-save"
        >
          {saving ? "Saving…" : "Save as new version"}
        </button>
        <button
          type="button"
          onClick={onClose}
          className="rounded-lg border border-zinc-300 px-3 py-1.5 text-xs dark:border-zinc-700"
          data-testid="plan-editor-cancel"
        >
          Cancel
        </button>
      </div>
    </section>
  );
}
