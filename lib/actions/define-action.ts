// The shape of an action declaration. Declarations are shared by the planner (catalog
// prompt), the validator (input schemas) and the interpreter (which attaches `run`).
import type { z } from "zod";
import type { ActionKind, CatalogAction } from "@/lib/plan/catalog";

/** What an implementation receives besides its input; the interpreter fills it in. */
export interface ActionContext {
  runId: string;
  workflowId: string;
  userId: string;
  /** Plan step id, and the unit id (`<stepId>#<index>` inside a loop). */
  stepId: string;
  unitId: string;
  attempt: number;
  signal?: AbortSignal;
}

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

/** The same declaration with an implementation attached (used by the actions issue). */
export function withRun<InputSchema extends z.ZodType, OutputSchema extends z.ZodType>(
  declaration: ActionDeclaration<InputSchema, OutputSchema>,
  run: ActionRun<z.output<InputSchema>, z.input<OutputSchema>>,
): ActionDeclaration<InputSchema, OutputSchema> {
  return { ...declaration, run };
}

export type { ActionKind };
