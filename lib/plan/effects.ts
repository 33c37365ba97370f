// The side-effect class of a step, read from the action catalog: what the plan card badges
// ("reads", "writes", "notifies someone", "starts a workflow", "contacts someone outside"),
// what a re-run preview says it does again, and what a test run simulates instead of running.
// One place: each action declares its `effect` (lib/actions); this only asks it.
import type {
  ActionCatalog,
  ActionEffect,
  EffectClass,
  EffectContext,
  EffectKind,
} from "./catalog";
import { wholeBinding } from "./template";

/**
 * What a simulated step would have sent (a test run records it instead of sending): who and
 * what, in the fields that apply to its kind, secrets redacted. Client-safe.
 */
export type WouldSend = {
  kind: EffectKind;
  /** One line: `email to ana@example.com: "Sev-1 open"`, `POST api.example.com/orders`. */
  summary: string;
  /** email: recipients, sender, subject; chat/slack/email: the text. */
  to?: string[];
  cc?: string[];
  from?: string;
  replyTo?: string;
  subject?: string;
  body?: string;
  /** http, slack: where (a Slack webhook only by its origin: its URL is the credential). */
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  /** The JSON it would send: a request body, Slack blocks, tool arguments, a stored value. */
  payload?: unknown;
  /** store.set */
  key?: string;
  ttl?: string;
  /** workflow.run: the workflow it would start. */
  workflow?: { id: string; title: string };
  /** mcp.call */
  server?: string;
  tool?: string;
  /** A wait: which way the test took it. */
  branch?: WaitBranch;
  /** A wait the test asked about when it got there (`ask`): the person chose during the test. */
  chosenDuringTest?: boolean;
  /** It would reach someone other than the person (marked on the card). */
  outside?: boolean;
};

/** Which way a test run takes a wait (the person's pick; default `timeout`). */
export const WAIT_BRANCHES = ["approved", "rejected", "timeout", "event"] as const;
export type WaitBranch = (typeof WAIT_BRANCHES)[number];

/**
 * What a person may pick for a wait before a test: one of its branches, or `ask` (the test
 * pauses there and asks on its card which way it goes; lib/runs/test-waits.ts).
 */
export const ASK_WAIT = "ask";
export const WAIT_CHOICES = [...WAIT_BRANCHES, ASK_WAIT] as const;
export type WaitChoice = (typeof WAIT_CHOICES)[number];

/** The `ask` choice in words, as the test form offers it. */
export const ASK_WAIT_WORDS = "ask me when it gets there";

/** How long a test waits at most for the person's choice at an `ask` wait. */
export const MAX_TEST_ASK_MS = 60 * 60 * 1000;

/** The branches a wait action can take in a test, in the order a form offers them. */
export function waitBranchesOf(action: string): readonly WaitBranch[] {
  switch (action) {
    case "wait.approval":
      return ["timeout", "approved", "rejected"];
    case "wait.event":
      return ["timeout", "event"];
    case "wait.delay":
    case "wait.until":
      return ["timeout", "event"];
    default:
      return [];
  }
}

/** A branch in words for a wait action ("approved", "the event arrived", "ended early"). */
export function waitBranchWords(action: string, branch: WaitBranch): string {
  switch (branch) {
    case "approved":
      return "approved";
    case "rejected":
      return "rejected";
    case "timeout":
      return action === "wait.approval" || action === "wait.event"
        ? "timed out (nobody answered)"
        : "the time passed";
    default:
      return action === "wait.event" ? "the event arrived" : "ended early through its link";
  }
}

/** The class in words, as the card's badges say it. */
export const EFFECT_LABELS: Record<EffectClass, string> = {
  reads: "reads",
  writes: "writes",
  notifies: "notifies someone",
  starts: "starts a workflow",
};

/** The words of the "contacts someone outside" mark. */
export const OUTSIDE_LABEL = "contacts someone outside";

const READS: ActionEffect = { class: "reads", kind: "none", does: "changes nothing" };

/**
 * What an action does with this input: its own `effect`, else a safe default from its
 * `sideEffects` flag (an unknown action counts as writing: a test never runs it).
 */
export function effectOf(
  action: Pick<ActionCatalog, "get">,
  actionId: string,
  input: Record<string, unknown> | undefined,
  context: EffectContext = {},
): ActionEffect {
  const declared = action.get(actionId);
  if (declared?.effect) return declared.effect(input ?? {}, context);
  if (declared && !declared.sideEffects) return READS;
  return { class: "writes", kind: "other", does: `runs ${actionId}` };
}

/** A step's effect as the plan states it (bindings unresolved: the worst case counts). */
export function stepEffect(
  step: { action: string; input?: Record<string, unknown> },
  catalog: Pick<ActionCatalog, "get">,
  context: EffectContext = {},
): ActionEffect {
  return effectOf(catalog, step.action, step.input, context);
}

/** Whether a test run simulates this step instead of running it. */
export function isSimulated(effect: ActionEffect): boolean {
  return effect.class !== "reads";
}

/** Bindings that name the person's own address. */
const OWN_ADDRESS = /^\s*user\.email\s*$/;

/**
 * Whether any of these recipients may be someone other than the person: a literal address
 * that is not theirs, or one computed at run time (anything but `{{ user.email }}`).
 */
export function reachesOthers(recipients: unknown, context: EffectContext): boolean {
  const list = Array.isArray(recipients) ? recipients : [recipients];
  const own = context.userEmail?.trim().toLowerCase();
  return list.some((value) => {
    if (typeof value !== "string") return true;
    const binding = wholeBinding(value);
    if (binding !== undefined) return !OWN_ADDRESS.test(binding);
    if (value.includes("{{")) return true;
    return own === undefined || value.trim().toLowerCase() !== own;
  });
}
