// When a tool that acts (start, re-run or cancel a run) may go ahead without asking: only when
// the person's own latest message asked for exactly that. The rule is deterministic and errs
// towards asking; anything it cannot establish from the person's words means a confirmation card.
//
// "Asked for exactly that" means all of:
// 1. nothing outside (a run's record, a workflow's post) was read earlier in this turn;
// 2. the message has the action's intent ("run", "start", … / "cancel", "stop", …), is not a
//    question and has no negation ("don't", "not", "never", …);
// 3. it names the workflow: its id, its whole title, or words of its title that no other of the
//    person's workflows matches as well — or says "it"/"this"/"that"/"again" when the thread
//    has exactly one workflow, that one; a cancel may instead quote the run's id, and otherwise
//    needs the run to be its workflow's only unfinished one;
// 4. every value the model chose (a run's inputs) appears in the message: strings as typed
//    (case and spacing aside), numbers as numbers, booleans as the words true/false.
// An approval's answer ("approve it", "reject the release approval") names its approval by the
// run's id, by its workflow when that workflow has only this approval waiting, or says
// "it"/"this"/"that" (or nothing more) when no other approval of the person could be meant; the
// intent must be the decision the call makes (approve for yes, reject for no).
//
// A re-run always asks, whatever the message said: it repeats what its steps do outside the run
// (an email, a Slack post, an HTTP write) and only its preview says which, so the person
// confirms that preview on the card.

export type ActionIntent = "run" | "cancel" | "approve" | "reject" | "rerun";

/** What a tool call would act on, as the server found it in its own records. */
export interface ActionTarget {
  intent: ActionIntent;
  /** The person's workflow the call acts on; undefined when it is not theirs or does not exist. */
  workflow?: { id: string; title: string };
  /** The run a cancel (or a re-run) acts on. */
  runId?: string;
  /** For a cancel: whether this run is its workflow's only unfinished one. */
  onlyActiveRun?: boolean;
  /** For an approval's answer: no other approval of the person is waiting (in this thread). */
  soleApproval?: boolean;
  /** For an approval's answer: the only approval waiting in its workflow. */
  onlyApprovalOfWorkflow?: boolean;
  /** Values the model chose beyond the target (a run's inputs): each must be in the message. */
  chosenValues?: unknown;
}

export interface PersonRequest {
  /** The person's own latest message, as they typed it. */
  text: string;
  /** The person's workflows, to tell whether a name is unambiguous. */
  workflows: { id: string; title: string }[];
  /** The workflows made in this thread ("run it" works when there is exactly one). */
  threadWorkflowIds: string[];
  /** A tool result with outside text or a workflow post was read earlier in this turn. */
  readOutsideData: boolean;
}

export type Verdict = { asked: true } | { asked: false; reason: string };

const INTENT: Record<ActionIntent, RegExp> = {
  run: /\b(run|re-?run|start|execute|launch|trigger|kick off)\b/,
  cancel: /\b(cancel|stop|abort|halt|kill|terminate)\b/,
  approve: /\b(approve|approved|accept|go ahead|lgtm)\b/,
  reject: /\b(reject|decline|deny|refuse)\b/,
  rerun: /\b(re-?run|retry|run (it |that |this )?again)\b/,
};

const NEGATION =
  /\b(not|never|no|don't|dont|do not|doesn't|shouldn't|won't|wouldn't|can't|cannot|without|instead of)\b/;

const DEICTIC = /\b(it|this|that|again|the same)\b|\b(the|this|that) (workflow|one)\b/;

/** Words that say nothing about which workflow is meant. */
const GENERIC = new Set(
  (
    "a an the and or of for to in on at by with from into my our your me us it its this that " +
    "workflow workflows run runs rerun start now please again just one"
  ).split(" "),
);

const INTENT_NAME: Record<ActionIntent, string> = {
  run: "run a workflow",
  cancel: "cancel a run",
  approve: "approve a request",
  reject: "reject a request",
  rerun: "re-run a run",
};

function lowered(text: string): string {
  return text.replace(/[\u2018\u2019]/g, "'").toLowerCase();
}

function words(text: string): string[] {
  return lowered(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** "digests" and "digest" are one word here. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("es")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s")) return word.slice(0, -1);
  return word;
}

function distinctive(title: string): Set<string> {
  return new Set(
    words(title)
      .filter((w) => w.length >= 3 && !GENERIC.has(w))
      .map(stem),
  );
}

function spaced(text: string): string {
  return ` ${words(text).join(" ")} `;
}

/** Whether the message names `target` among the person's workflows, and if not, why. */
function namesWorkflow(target: { id: string; title: string }, request: PersonRequest): Verdict {
  const text = lowered(request.text);
  if (text.includes(target.id.toLowerCase())) return { asked: true };

  const others = request.workflows.filter((w) => w.id !== target.id);
  const said = new Set(words(request.text).map(stem));
  const matched = (title: string) => new Set([...distinctive(title)].filter((w) => said.has(w)));
  const mine = matched(target.title);
  // Another workflow the message fits at least as well: the name is ambiguous.
  const rival = others.find((other) => {
    const theirs = matched(other.title);
    if (theirs.size === 0) return false;
    const covered = [...theirs].every((w) => mine.has(w));
    return !covered || theirs.size === mine.size;
  });
  if (rival) return { asked: false, reason: "Your message could mean another of your workflows." };

  const title = spaced(target.title);
  if (title.trim() !== "" && spaced(request.text).includes(title)) return { asked: true };
  if (mine.size > 0) return { asked: true };

  const onlyOne =
    request.threadWorkflowIds.length === 1 && request.threadWorkflowIds[0] === target.id;
  if (onlyOne && DEICTIC.test(text)) return { asked: true };
  return { asked: false, reason: "Your message did not name this workflow." };
}

/** The leaves of a value the model chose: strings, numbers, booleans, nulls. */
function leaves(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [value];
}

function collapse(text: string): string {
  return lowered(text).replace(/\s+/g, " ").trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether the person typed this value. */
export function valueInMessage(value: unknown, text: string): boolean {
  const message = collapse(text);
  if (typeof value === "string") {
    const wanted = collapse(value);
    return wanted !== "" && message.includes(wanted);
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    return new RegExp(`(^|[^\\d.])${escapeRegExp(String(value))}(?![\\d]|\\.\\d)`).test(message);
  }
  if (typeof value === "boolean") return new RegExp(`\\b${value}\\b`).test(message);
  return false;
}

function quoted(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Whether the person's latest message asked for exactly this action (see the file header). */
export function askedForExactly(target: ActionTarget, request: PersonRequest): Verdict {
  if (request.readOutsideData) {
    return {
      asked: false,
      reason: "Outside data (a run's record or a workflow's post) was read before this request.",
    };
  }
  if (target.intent === "rerun") {
    return {
      asked: false,
      reason:
        "A re-run repeats what its steps do outside the run: check what runs again before it starts.",
    };
  }
  const text = lowered(request.text);
  if (!INTENT[target.intent].test(text)) {
    return { asked: false, reason: `Your message did not ask to ${INTENT_NAME[target.intent]}.` };
  }
  if (text.includes("?") || NEGATION.test(text)) {
    return { asked: false, reason: "Your message reads as a question or says not to." };
  }
  if (!target.workflow) {
    return { asked: false, reason: "This workflow does not exist or is not yours." };
  }
  const quotesRun = target.runId !== undefined && text.includes(target.runId.toLowerCase());
  const answersApproval = target.intent === "approve" || target.intent === "reject";
  if (answersApproval && !quotesRun) {
    const onlyOne = target.soleApproval === true;
    // "approve it", "approve": nothing else could be meant.
    const bare = words(request.text).every((w) => GENERIC.has(w) || INTENT[target.intent].test(w));
    if (!(onlyOne && (DEICTIC.test(text) || bare))) {
      const named = namesWorkflow(target.workflow, request);
      if (!named.asked) return named;
      if (target.onlyApprovalOfWorkflow !== true) {
        return {
          asked: false,
          reason: "Your message did not say which of its approvals to answer.",
        };
      }
    }
  } else if (!quotesRun) {
    const named = namesWorkflow(target.workflow, request);
    if (!named.asked) return named;
    if (target.intent === "cancel" && target.onlyActiveRun !== true) {
      return { asked: false, reason: "Your message did not say which of its runs to cancel." };
    }
  }
  for (const value of leaves(target.chosenValues)) {
    if (!valueInMessage(value, request.text)) {
      return { asked: false, reason: `The value ${quoted(value)} is not in your message.` };
    }
  }
  return { asked: true };
}
