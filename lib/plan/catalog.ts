// What the plan language needs to know about actions. lib/actions implements it; lib/plan
// does not import lib/actions, so the validator can be tested with any catalog.
import type { z } from "zod";

export type ActionKind = "task" | "wait" | "control";

/**
 * The side-effect class of a step: what running it does outside its run. `reads` changes
 * nothing anywhere (a GET, the store read, a transform, the model); `writes` changes something
 * somewhere (a POST, the store, an MCP tool); `notifies` tells someone (an email, Slack, the
 * chat, an approval request); `starts` starts another workflow. A test run simulates every
 * step whose class is not `reads`; re-run previews say which steps do something again.
 */
export type EffectClass = "reads" | "writes" | "notifies" | "starts";

/** Which family of side effect, for marks and words ("sends the email again"). */
export type EffectKind =
  | "none"
  | "email"
  | "slack"
  | "chat"
  | "http"
  | "mcp"
  | "store"
  | "workflow"
  | "approval"
  | "other";

/** What a step does outside its run, from its action and its input. */
export interface ActionEffect {
  class: EffectClass;
  kind: EffectKind;
  /** In a few words, present tense: "sends the email", "sends the POST request". */
  does: string;
  /** A caveat in a few words: "its method is computed", "unless the tool is read-only". */
  note?: string;
  /**
   * It contacts someone outside: an email to an address that is not the person's own (or
   * one computed at run time), a Slack post.
   */
  outside?: boolean;
}

/** What an action's effect may know besides its input. */
export interface EffectContext {
  /** The person's own email address (an email to it does not reach anyone else). */
  userEmail?: string;
}

export interface CatalogAction {
  id: string;
  title: string;
  description: string;
  input: z.ZodType;
  output: z.ZodType;
  /** Whether it may have side effects at all (the catalog prompt's flag). */
  sideEffects: boolean;
  kind: ActionKind;
  /**
   * Its side-effect class for this input: as written in the plan (bindings unresolved, so a
   * computed method or recipient counts as the worst case) or resolved at run time. Actions
   * without one are `reads` when `sideEffects` is false, else `writes` (lib/plan/effects.ts).
   */
  effect?(input: Record<string, unknown>, context: EffectContext): ActionEffect;
  /**
   * Input fields that hold a bare expression evaluated by the action itself (not a
   * `{{ }}` template), e.g. `match` of `wait.event`. They are parsed at validation time.
   */
  expressionInputs?: readonly string[];
  /**
   * A short verb phrase for summaries ("post in this chat", "wait until 08:00"), from the
   * step's input as written (bindings unresolved).
   */
  describe?(input: Record<string, unknown>): string;
}

export interface ActionCatalog {
  get(id: string): CatalogAction | undefined;
  list(): readonly CatalogAction[];
}

/** A catalog over a list of actions (the registry in lib/actions uses this too). */
export function catalogFrom(actions: readonly CatalogAction[]): ActionCatalog {
  const byId = new Map(actions.map((action) => [action.id, action]));
  if (byId.size !== actions.length) throw new Error("duplicate action id in catalog");
  return { get: (id) => byId.get(id), list: () => actions };
}
