// The shape of an action declaration. Declarations are shared by the planner (catalog
// prompt), the validator (input schemas) and the interpreter (which attaches `run`).
import type { z } from "zod";
import type { ActionKind, CatalogAction } from "@/lib/plan/catalog";
import type { WouldSend } from "@/lib/plan/effects";
import type { ActionContext } from "./runtime/context";
import {
  ActionError,
  cancellationOf,
  NonRetriableActionError,
  toActionError,
} from "./runtime/errors";

export type { ActionContext } from "./runtime/context";

export type ActionRun<Input, Output, Context extends ActionContext = ActionContext> = (
  input: Input,
  context: Context,
) => Promise<Output>;

export interface ActionDeclaration<
  InputSchema extends z.ZodType = z.ZodType,
  OutputSchema extends z.ZodType = z.ZodType,
> extends CatalogAction {
  input: InputSchema;
  output: OutputSchema;
  /** A typical input, shown to the model in the catalog. */
  example: Record<string, unknown>;
  /**
   * Attached by the implementation issue; declarations alone never run. Declared as a method
   * so a registry of differently typed actions still type-checks.
   */
  run?(input: z.output<InputSchema>, context: ActionContext): Promise<z.input<OutputSchema>>;
  /**
   * A test run's stand-in for `run` (side-effecting actions): what it would send, computed
   * without sending anything, and an output of the declared shape for the steps after it.
   * `null` when this input only reads (an MCP tool its server marks read-only): the test
   * then runs it for real. Attached by `withSimulation`, which checks and redacts like withRun.
   */
  simulate?(input: z.output<InputSchema>, context: ActionContext): Promise<Simulation | null>;
}

/** What a simulated step would have done, and the output the steps after it read. */
export type Simulation = { wouldSend: WouldSend; output: unknown };

export function defineAction<InputSchema extends z.ZodType, OutputSchema extends z.ZodType>(
  declaration: ActionDeclaration<InputSchema, OutputSchema>,
): ActionDeclaration<InputSchema, OutputSchema> {
  return declaration;
}

/** The `run`s withRun attached: they check and redact, so nothing around them does again. */
const checkedRuns = new WeakSet<object>();

/**
 * The same declaration with an implementation attached. The attached `run` checks the input
 * against the declared schema (a mismatch is not retriable), checks the output, and passes
 * the output and any error through the context's redactor, so no caller ever sees a secret
 * value an action handled. Errors come out as `ActionError` with a `retriable` flag. This is
 * the only place an action's input is parsed and its output redacted: the interpreter trusts it.
 */
export function withRun<InputSchema extends z.ZodType, OutputSchema extends z.ZodType>(
  declaration: ActionDeclaration<InputSchema, OutputSchema>,
  run: ActionRun<z.output<InputSchema>, z.input<OutputSchema>>,
): ActionDeclaration<InputSchema, OutputSchema> {
  const id = declaration.id;
  const checked: ActionDeclaration<InputSchema, OutputSchema> = {
    ...declaration,
    async run(input, context) {
      try {
        const parsed = declaration.input.safeParse(input);
        if (!parsed.success) {
          throw new NonRetriableActionError(`${id}: invalid input: ${issuesText(parsed.error)}`, {
            code: "invalid_input",
          });
        }
        const output = await run(parsed.data as z.output<InputSchema>, context);
        const checked = declaration.output.safeParse(output);
        if (!checked.success) {
          throw new NonRetriableActionError(
            `${id}: produced an unexpected output: ${issuesText(checked.error)}`,
            { code: "invalid_output" },
          );
        }
        return context.redactor.value(output);
      } catch (error) {
        // However the action reported its abort (an AbortError, a network error, a closed
        // SMTP socket), a cancelled run's action ends as cancelled, never as failed.
        throw cancellationOf(context.signal) ?? toActionError(error, context.redactor);
      }
    },
  };
  if (checked.run) checkedRuns.add(checked.run);
  return checked;
}

/** The `simulate`s withSimulation attached. */
const checkedSimulations = new WeakSet<object>();

/**
 * The same declaration with a simulation attached: the input is checked against the declared
 * schema (so a test fails where the real run would), the stand-in output against the output
 * schema, and what it would send and the output pass through the redactor: a test shows
 * `[secret:NAME]`, never a secret's value. Simulations make no network call.
 */
export function withSimulation<InputSchema extends z.ZodType, OutputSchema extends z.ZodType>(
  declaration: ActionDeclaration<InputSchema, OutputSchema>,
  simulate: (
    input: z.output<InputSchema>,
    context: ActionContext,
  ) => Promise<{ wouldSend: WouldSend; output: z.input<OutputSchema> } | null>,
): ActionDeclaration<InputSchema, OutputSchema> {
  const id = declaration.id;
  const checked: ActionDeclaration<InputSchema, OutputSchema> = {
    ...declaration,
    async simulate(input, context) {
      try {
        const parsed = declaration.input.safeParse(input);
        if (!parsed.success) {
          throw new NonRetriableActionError(`${id}: invalid input: ${issuesText(parsed.error)}`, {
            code: "invalid_input",
          });
        }
        const simulation = await simulate(parsed.data as z.output<InputSchema>, context);
        if (simulation === null) return null;
        const output = declaration.output.safeParse(simulation.output);
        if (!output.success) {
          throw new NonRetriableActionError(
            `${id}: its simulation produced an unexpected output: ${issuesText(output.error)}`,
            { code: "invalid_output" },
          );
        }
        return {
          wouldSend: context.redactor.value(simulation.wouldSend),
          output: context.redactor.value(simulation.output),
        };
      } catch (error) {
        throw cancellationOf(context.signal) ?? toActionError(error, context.redactor);
      }
    },
  };
  if (checked.simulate) checkedSimulations.add(checked.simulate);
  return checked;
}

/**
 * The declaration with its `run` and `simulate` (when it has them) behind withRun's and
 * withSimulation's checks: a registry passes every declaration through this, so an action
 * built by hand (`{ ...declaration, run }`) is checked and redacted like the rest.
 * Declarations already checked come back as they are.
 */
export function checkedDeclaration(declaration: ActionDeclaration): ActionDeclaration {
  let checked = declaration;
  const run = declaration.run;
  if (run && !checkedRuns.has(run)) {
    checked = withRun(checked, (input, context) => run.call(declaration, input, context));
  }
  const simulate = declaration.simulate;
  if (simulate && !checkedSimulations.has(simulate)) {
    checked = withSimulation(checked, (input, context) =>
      simulate.call(declaration, input, context),
    );
  }
  return checked;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

export type { ActionKind };
export { ActionError, NonRetriableActionError };
