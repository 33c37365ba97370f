"use client";

// The only way this page decides: a button press POSTs the decision to the resume link.
import { useState } from "react";
import { AppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format/time";
import type { ResumeView } from "@/lib/runs/resume-request";

type Outcome = { kind: "done"; approved?: boolean } | { kind: "error"; message: string };

function when(iso: string | undefined) {
  if (!iso) return "";
  return formatDateTime(iso, { year: true });
}

function Closed({ view }: { view: ResumeView }) {
  if (view.state === "decided") {
    const what =
      view.decision?.approved === true
        ? "approved"
        : view.decision?.approved === false
          ? "rejected"
          : "answered";
    return (
      <p
        className="mt-6 rounded-lg bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-900"
        data-testid="resume-state"
      >
        Already {what}
        {view.decidedAt ? ` on ${when(view.decidedAt)}` : ""}. Nothing more to do.
      </p>
    );
  }
  return (
    <p
      className="mt-6 rounded-lg bg-zinc-100 px-3 py-2 text-sm dark:bg-zinc-900"
      data-testid="resume-state"
    >
      {view.runStatus === "cancelled" ? "This run was cancelled." : "This run has already ended."}{" "}
      Nothing is waiting any more.
    </p>
  );
}

export function ResumeForm({ token, view }: { token: string; view: ResumeView }) {
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  if (view.state !== "open") return <Closed view={view} />;
  if (outcome?.kind === "done") {
    const text =
      outcome.approved === true
        ? "Approved. The workflow continues."
        : outcome.approved === false
          ? "Rejected. The workflow takes its rejection path."
          : "Done. The workflow continues.";
    return (
      <p
        className="mt-6 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"
        data-testid="resume-state"
        role="status"
      >
        {text}
      </p>
    );
  }

  async function decide(approved?: boolean) {
    setBusy(true);
    setOutcome(null);
    try {
      const response = await fetch(`/api/resume/${token}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          approved === undefined
            ? {}
            : { approved, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        ),
      });
      if (!response.ok) {
        const error = AppError.fromJSON(await response.json().catch(() => undefined));
        setOutcome({ kind: "error", message: error?.message ?? "That did not work. Try again." });
        return;
      }
      setOutcome({ kind: "done", approved });
    } catch {
      setOutcome({
        kind: "error",
        message: "Could not reach Flowchat. Check your connection and try again.",
      });
    } finally {
      setBusy(false);
    }
  }

  const button =
    "rounded-lg px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500 disabled:opacity-50";
  return (
    <div className="mt-6 space-y-3">
      {view.kind === "approval" ? (
        <>
          <label className="block text-sm">
            <span className="text-zinc-500">Comment (optional)</span>
            <textarea
              value={comment}
              onChange={(event) => setComment(event.target.value)}
              maxLength={2000}
              rows={2}
              className="mt-1 w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 text-sm dark:border-zinc-700"
            />
          </label>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              disabled={busy}
              onClick={() => decide(true)}
              className={`${button} bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`}
              data-testid="resume-approve"
            >
              Approve
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => decide(false)}
              className={`${button} border border-zinc-300 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900`}
              data-testid="resume-reject"
            >
              Reject
            </button>
          </div>
        </>
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => decide()}
          className={`${button} bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`}
          data-testid="resume-continue"
        >
          Continue the workflow now
        </button>
      )}
      {outcome?.kind === "error" ? (
        <p className="text-sm text-red-600 dark:text-red-400" role="alert">
          {outcome.message}
        </p>
      ) : null}
      <p className="text-xs text-zinc-500">
        Opening this page decides nothing; only these buttons do.
      </p>
    </div>
  );
}
