// The action wrapper is the one place an action's input is parsed and its output redacted:
// the interpreter trusts it, so every action in a registry must go through it, once.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ActionDeclaration, defineAction, withRun } from "@/lib/actions/define-action";
import { createRegistry } from "@/lib/actions/registry";
import { type ActionContext, createActionContext } from "@/lib/actions/runtime/context";
import { ActionError } from "@/lib/actions/runtime/errors";
import { createNetworkPolicy } from "@/lib/net/policy";

const SECRET = "hunter2-abcdef";

const declaration = defineAction({
  id: "test.leak",
  title: "Leak",
  description: "Returns the secret it was given",
  kind: "task",
  sideEffects: false,
  input: z.strictObject({ count: z.number() }),
  output: z.object({ said: z.string() }),
  example: { count: 1 },
});

/** A context whose redactor counts how often outputs pass through it. */
function countingContext(): { context: ActionContext; redactions: () => number } {
  const context = createActionContext({
    runId: "r",
    workflowId: "w",
    userId: "u",
    stepId: "s",
    secrets: { TOKEN: SECRET },
    network: createNetworkPolicy(),
  });
  let count = 0;
  const redactor = context.redactor;
  context.redactor = {
    active: redactor.active,
    text: redactor.text,
    value: (value) => {
      count++;
      return redactor.value(value);
    },
  };
  return { context, redactions: () => count };
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error("expected the action to fail");
}

describe("checked action runs", () => {
  it("a registry puts a run attached by hand behind the checks and the redactor", async () => {
    const byHand: ActionDeclaration = {
      ...declaration,
      run: async () => ({ said: `the token is ${SECRET}` }),
    };
    const action = createRegistry([byHand]).get("test.leak");
    const { context } = countingContext();
    expect(await action?.run?.({ count: 1 }, context)).toEqual({
      said: "the token is [secret:TOKEN]",
    });
    const error = await failure(action?.run?.({ count: "one" }, context) as Promise<unknown>);
    expect(error.code).toBe("invalid_input");
    expect(error.retriable).toBe(false);
  });

  it("redacts an output once, whether the run came from withRun or the registry", async () => {
    const checked = withRun(declaration, async () => ({ said: SECRET }));
    expect(createRegistry([checked]).get("test.leak")).toBe(checked);
    const { context, redactions } = countingContext();
    expect(await checked.run?.({ count: 1 }, context)).toEqual({ said: "[secret:TOKEN]" });
    expect(redactions()).toBe(1);
  });
});
