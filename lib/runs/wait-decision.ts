// Where a wait's decision stands (open, decided, expired, the run over), one rule for every
// way of deciding: the resume link's page and its POST, the run card's buttons and the chat's
// "approve it". Pure and client-safe; lib/runs/wait-state.ts reads what it needs.
import type { RunStatus } from "./status";
import { isTerminal } from "./status";

/**
 * open: a decision is still taken (the run is waiting, or has not reached the wait yet);
 * decided: a decision was taken, the first one counts; expired: the deadline passed with no
 * decision (the wait timed out, or is about to); cancelled / finished: the run ended before
 * anything was decided; skipped: the run went past the wait without it (its condition).
 */
export type WaitState = "open" | "decided" | "expired" | "cancelled" | "finished" | "skipped";

/** Who decided, as the person reading it is told. */
export type DecisionSource = "link" | "page" | "thread" | "chat" | "event";

export interface WaitDecision {
  /** wait.approval: yes or no; other waits: absent. */
  approved?: boolean;
  /** The decider was the run's owner (signed in on the page, or in the app). */
  byOwner: boolean;
  from: DecisionSource;
}

/** What is stored about a wait, as read from its signal row, its log and its run. */
export interface WaitFacts {
  runStatus: RunStatus;
  /** When the wait gives up (ISO); absent until the run reached it. */
  deadline?: string | null;
  signaledAt?: Date | string | null;
  /** When the wait ended (took its signal or timed out). */
  consumedAt?: Date | string | null;
  /** The step was skipped (its condition was false, or what it needed failed). */
  skipped?: boolean;
}

const time = (value: Date | string | null | undefined) =>
  value === null || value === undefined
    ? Number.NaN
    : value instanceof Date
      ? value.getTime()
      : Date.parse(value);

/**
 * Whether a stored signal counts: it came before the deadline and before the wait ended. The
 * wait's `:done` applies the same rule, so the page, the POST and the engine agree.
 */
export function signalCounts(facts: Pick<WaitFacts, "signaledAt" | "consumedAt" | "deadline">) {
  const at = time(facts.signaledAt);
  if (Number.isNaN(at)) return false;
  const deadline = time(facts.deadline);
  if (!Number.isNaN(deadline) && at > deadline) return false;
  const ended = time(facts.consumedAt);
  return Number.isNaN(ended) || at <= ended;
}

/** Where the wait stands at `now`. */
export function waitStateOf(facts: WaitFacts, now: number = Date.now()): WaitState {
  if (signalCounts(facts)) return "decided";
  // The wait ended with no signal that counts: it timed out.
  if (!Number.isNaN(time(facts.consumedAt))) return "expired";
  if (isTerminal(facts.runStatus)) {
    return facts.runStatus === "cancelled" ? "cancelled" : "finished";
  }
  if (facts.skipped) return "skipped";
  const deadline = time(facts.deadline);
  // Past the deadline the engine times the wait out (within a second): no decision counts.
  if (!Number.isNaN(deadline) && now > deadline) return "expired";
  return "open";
}

/** When an expired wait gave up: its deadline, else when it ended. */
export function expiredAt(facts: WaitFacts): string | undefined {
  if (facts.deadline) return facts.deadline;
  const ended = time(facts.consumedAt);
  return Number.isNaN(ended) ? undefined : new Date(ended).toISOString();
}

/**
 * What a stored signal (`{ via, data }`) says about who decided and how. `ownerId` is the
 * run's owner: an approval stores the deciding user's id (or "link") as `data.by`.
 */
export function decisionOf(payload: unknown, ownerId: string): WaitDecision {
  const { via, data } = (payload ?? {}) as { via?: unknown; data?: unknown };
  const answer = (data ?? {}) as { approved?: unknown; by?: unknown; from?: unknown };
  const byOwner = answer.by === ownerId;
  const from: DecisionSource =
    via === "event"
      ? "event"
      : via === "url"
        ? byOwner
          ? "page"
          : "link"
        : answer.from === "chat"
          ? "chat"
          : "thread";
  return {
    ...(typeof answer.approved === "boolean" ? { approved: answer.approved } : {}),
    byOwner,
    from,
  };
}

/**
 * "by you on this page", "via the link", "from the thread", "in the chat": who decided, for the
 * person reading it (`viewerIsOwner`: the reader is the run's owner, so "you").
 */
export function decidedBy(decision: WaitDecision, viewerIsOwner: boolean): string {
  const who = viewerIsOwner ? "you" : "the run's owner";
  switch (decision.from) {
    case "link":
      return "via the link";
    case "page":
      return `by ${who} via the link`;
    case "chat":
      return `by ${who} in the chat`;
    case "event":
      return "by an event";
    default:
      return `by ${who} from the thread`;
  }
}

/** "approved", "rejected" or "answered". */
export function decisionWord(decision: Pick<WaitDecision, "approved">): string {
  return decision.approved === true
    ? "approved"
    : decision.approved === false
      ? "rejected"
      : "answered";
}

/** "Approved by you from the thread", "Answered via the link": the decision in a few words. */
export function decisionSummary(
  decision: Pick<WaitDecision, "approved" | "from" | "byOwner">,
  viewerIsOwner: boolean,
): string {
  const word = decisionWord(decision);
  return `${word.charAt(0).toUpperCase()}${word.slice(1)} ${decidedBy(decision, viewerIsOwner)}`;
}
