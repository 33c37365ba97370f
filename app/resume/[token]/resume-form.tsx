"use client";

// The resume page's card: what is being decided, the run, the deadline, and where it stands —
// the buttons while a decision is taken, else why not (decided, expired, cancelled, finished).
// The only way this page decides: a button press POSTs the decision to the resume link.
import Link from "next/link";
import { type ReactNode, useState } from "react";
import { AppError } from "@/lib/errors";
import type { ResumeView } from "@/lib/runs/resume-request";
import {
  decidedBy,
  decisionWord,
  type WaitDecision,
  type WaitState,
} from "@/lib/runs/wait-decision";
import { ZonedTime } from "./zoned-time";

type Props = {
  token: string;
  view: ResumeView;
  isOwner: boolean;
  /** The owner's time zone, when they are the reader. */
  zone?: string;
  links?: { run: string; thread?: string };
};

const openHeading: Record<ResumeView["kind"], string> = {
  approval: "Approval requested",
  event: "A workflow is waiting for you",
  delay: "A workflow is waiting",
};

function headingOf(view: ResumeView, justDecided: boolean): string {
  switch (view.state) {
    case "decided":
      if (!justDecided) return "Already decided";
      return view.decision?.approved === true
        ? "Approved"
        : view.decision?.approved === false
          ? "Rejected"
          : "Done";
    case "expired":
      return view.kind === "approval" ? "This request expired" : "This wait has ended";
    case "cancelled":
      return "This run was cancelled";
    case "finished":
      return "This run already finished";
    case "skipped":
      return "Nothing to decide any more";
    default:
      return openHeading[view.kind];
  }
}

const tone: Record<WaitState, string> = {
  open: "",
  decided:
    "border-emerald-200 bg-emerald-50 text-emerald-950 dark:border-emerald-900 dark:bg-emerald-950/60 dark:text-emerald-100",
  expired:
    "border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-100",
  cancelled:
    "border-zinc-200 bg-zinc-50 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200",
  finished:
    "border-zinc-200 bg-zinc-50 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200",
  skipped:
    "border-zinc-200 bg-zinc-50 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200",
};

/** The sentence under a closed state's heading. */
function StateLine({
  view,
  isOwner,
  zone,
  justDecided = false,
}: {
  view: ResumeView;
  isOwner: boolean;
  zone?: string;
  justDecided?: boolean;
}) {
  const time = (iso: string) => <ZonedTime iso={iso} zone={zone} />;
  switch (view.state) {
    case "decided": {
      const decision: WaitDecision = view.decision ?? { byOwner: false, from: "link" };
      const word = decisionWord(decision);
      return (
        <>
          <span className="font-semibold">{word.charAt(0).toUpperCase() + word.slice(1)}</span>
          {view.decidedAt ? <> at {time(view.decidedAt)}</> : null} ({decidedBy(decision, isOwner)}
          ). {justDecided ? "The workflow goes on from here." : "Nothing more to do."}
        </>
      );
    }
    case "expired":
      return view.kind === "approval" ? (
        <>
          {view.expiredAt ? <>Expired at {time(view.expiredAt)} </> : "Expired "}
          with no decision: the run went on as not approved (timed out).
        </>
      ) : (
        <>It ended{view.expiredAt ? <> at {time(view.expiredAt)}</> : null}, as planned.</>
      );
    case "cancelled":
      return <>The run was cancelled before anything was decided. Nothing is waiting any more.</>;
    case "finished":
      return <>The run ended before anything was decided. Nothing is waiting any more.</>;
    case "skipped":
      return <>The run went past this step without it. Nothing is waiting for it.</>;
    default:
      return null;
  }
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="grid gap-0.5 sm:grid-cols-[6.5rem_1fr] sm:gap-3">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

type Outcome = { kind: "error"; message: string } | null;

export function ResumePanel({ token, view: initial, isOwner, zone, links }: Props) {
  const [view, setView] = useState(initial);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [justDecided, setJustDecided] = useState(false);
  const time = (iso: string) => <ZonedTime iso={iso} zone={zone} />;

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
      const body = await response.json().catch(() => undefined);
      if (response.ok) {
        setJustDecided(true);
        setView({
          ...view,
          state: "decided",
          decidedAt: (body as { decidedAt?: string } | undefined)?.decidedAt,
          decision: {
            ...(approved === undefined ? {} : { approved }),
            byOwner: isOwner,
            from: isOwner ? "page" : "link",
          },
        });
        return;
      }
      const error = AppError.fromJSON(body);
      // Decided elsewhere, expired, or the run ended meanwhile: show that state.
      const details = error?.details as Partial<ResumeView> | undefined;
      if (response.status === 409 && details?.state) {
        setView({ ...view, ...details });
        return;
      }
      setOutcome({ kind: "error", message: error?.message ?? "That did not work. Try again." });
    } catch {
      setOutcome({
        kind: "error",
        message: "Could not reach Flowchat. Check your connection and try again.",
      });
    } finally {
      setBusy(false);
    }
  }

  const open = view.state === "open";
  const button =
    "min-h-10 rounded-lg px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500 disabled:opacity-50";

  return (
    <article
      className="w-full max-w-lg rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-7 dark:border-zinc-800 dark:bg-zinc-950"
      data-testid="resume-card"
      data-state={view.state}
    >
      <p className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        Flowchat
      </p>
      <h1
        className="mt-1 text-xl font-semibold tracking-tight text-balance"
        data-testid="resume-heading"
      >
        {headingOf(view, justDecided)}
      </h1>

      {!open ? (
        <p
          className={`mt-4 rounded-lg border px-3 py-2.5 text-sm leading-relaxed ${tone[view.state]}`}
          data-testid="resume-state"
          role={justDecided ? "status" : undefined}
        >
          <StateLine view={view} isOwner={isOwner} zone={zone} justDecided={justDecided} />
        </p>
      ) : null}

      {view.step.prompt ? (
        <figure className="mt-4">
          <figcaption className="sr-only">{open ? "The question" : "What was asked"}</figcaption>
          <blockquote
            className={`whitespace-pre-wrap break-words border-l-4 py-1 pl-4 text-base leading-snug font-medium ${
              open
                ? "border-amber-400 text-zinc-950 dark:border-amber-500 dark:text-zinc-50"
                : "border-zinc-300 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300"
            }`}
            data-testid="resume-prompt"
          >
            {view.step.prompt}
          </blockquote>
        </figure>
      ) : null}

      <dl className="mt-5 space-y-3 text-sm">
        <Row label="Workflow" testId="resume-workflow">
          <span className="font-medium">{view.workflow}</span>
        </Row>
        <Row label="Step">{view.step.title}</Row>
        <Row label="Run" testId="resume-run">
          Started {time(view.run.startedAt ?? view.run.createdAt)}
          {links ? (
            <span className="mt-1 flex flex-wrap gap-x-3 gap-y-1">
              <Link
                href={links.run}
                className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                data-testid="resume-run-link"
              >
                Open the run
              </Link>
              {links.thread ? (
                <Link
                  href={links.thread}
                  className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-400"
                >
                  Open the conversation
                </Link>
              ) : null}
            </span>
          ) : null}
        </Row>
        {view.state === "expired" ? null : (
          <Row label="Deadline" testId="resume-deadline">
            {view.deadline && open ? (
              <span className="font-medium">
                {view.kind === "approval" ? "Decide by" : "Waits until"} {time(view.deadline)}
              </span>
            ) : view.deadline ? (
              time(view.deadline)
            ) : open ? (
              <span className="text-zinc-500 dark:text-zinc-400">
                Set when the run reaches this step; a decision now is kept until then.
              </span>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">None</span>
            )}
          </Row>
        )}
      </dl>

      {open ? (
        <div className="mt-6 space-y-3 border-t border-zinc-200 pt-5 dark:border-zinc-800">
          {view.kind === "approval" ? (
            <>
              <label className="block text-sm">
                <span className="text-zinc-600 dark:text-zinc-400">Comment (optional)</span>
                <textarea
                  value={comment}
                  onChange={(event) => setComment(event.target.value)}
                  maxLength={2000}
                  rows={2}
                  className="mt-1 w-full rounded-lg border border-zinc-300 bg-transparent px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-zinc-500 dark:border-zinc-700"
                />
              </label>
              <div className="flex flex-wrap gap-2">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => decide(true)}
                  className={`${button} flex-1 bg-zinc-900 text-white hover:bg-zinc-700 sm:flex-none dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`}
                  data-testid="resume-approve"
                >
                  Approve
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => decide(false)}
                  className={`${button} flex-1 border border-zinc-300 hover:bg-zinc-50 sm:flex-none dark:border-zinc-700 dark:hover:bg-zinc-900`}
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
            <p className="text-sm text-red-700 dark:text-red-400" role="alert">
              {outcome.message}
            </p>
          ) : null}
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Opening this page decides nothing; only these buttons do, and only once.
          </p>
        </div>
      ) : null}
    </article>
  );
}
