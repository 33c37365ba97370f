// The shape of an action declaration. Declarations are shared by the planner (catalog
// prompt), the validator (input schemas) and the interpreter (which attaches `run`).
import type { z } from "zod";
import type { ActionKind, CatalogAction } from "@/lib/plan/catalog";
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
}

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

/**
 * The declaration with its `run` (when it has one) behind withRun's checks: a registry passes
 * every declaration through this, so an action built by hand (`{ ...declaration, run }`) is
 * checked and redacted like the rest. Declarations already checked come back as they are.
 */
export function checkedDeclaration(declaration: ActionDeclaration): ActionDeclaration {
  const run = declaration.run;
  if (!run || checkedRuns.has(run)) return declaration;
  return withRun(declaration, (input, context) => run.call(declaration, input, context));
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

export type { ActionKind };
export { ActionError, NonRetriableActionError };
