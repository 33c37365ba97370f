// What the plan language needs to know about actions. lib/actions implements it; lib/plan
// does not import lib/actions, so the validator can be tested with any catalog.
import type { z } from "zod";

export type ActionKind = "task" | "wait" | "control";

export interface CatalogAction {
  id: string;
  title: string;
  description: string;
  input: z.ZodType;
  output: z.ZodType;
  sideEffects: boolean;
  kind: ActionKind;
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
