// The plan language v1 as zod schemas: the one definition the model's JSON Schema, the
// validator and the interpreter all derive from.
import { z } from "zod";

export const PLAN_VERSION = 1;
export const MAX_STEPS = 100;
/** A plan as JSON (the routes, the planner and the CLI all accept at most this). */
export const MAX_PLAN_BYTES = 256 * 1024;
/** Deepest nesting of a plan's JSON. */
export const MAX_PLAN_DEPTH = 32;
export const MAX_ON_FAILURE_STEPS = 20;
/** The largest `maxItems` a loop may declare. */
export const MAX_FOREACH_ITEMS = 1000;
export const MAX_CONCURRENCY = 20;
export const DEFAULT_CONCURRENCY = 5;
export const MAX_RETRY_ATTEMPTS = 10;
/** `limits.concurrency`: the most runs of one workflow at once a plan may ask for. */
export const MAX_RUNS_AT_ONCE = 100;
/** `limits.rate.limit`: the most runs per period a plan may ask for. */
export const MAX_RUNS_PER_PERIOD = 10_000;
/** How long a trigger's idempotency key keeps a delivery from running again. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** Bounds of the limits' durations (ms): [shortest, longest]. */
export const LIMIT_DURATION_BOUNDS = {
  rate: [1_000, 24 * 3_600_000],
  debounce: [1_000, 7 * 24 * 3_600_000],
  timeout: [1_000, 366 * 24 * 3_600_000],
} as const;

/**
 * Words JSONata reads as operators or literals: a step called `and` could not be written
 * as `steps.and.output`, so ids may not be one of them.
 */
export const RESERVED_IDS = ["and", "or", "in", "true", "false", "null", "function"];

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

export const StepIdSchema = z
  .string()
  .max(64)
  .regex(IDENTIFIER, {
    message:
      "must start with a letter and use only letters, digits and _ (it is written as steps.<id> in expressions)",
  })
  .refine((id) => !RESERVED_IDS.includes(id), {
    message: `must not be one of the words ${RESERVED_IDS.join(", ")}`,
  });

const DurationSchema = z.string().describe('e.g. "30s", "5m", "1h30m", "2d"');

export const InputItemSchema = z
  .strictObject({
    type: z.enum(["string", "number", "integer", "boolean", "object"]),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
  })
  .describe('What each item of an array input is, e.g. { "type": "string" }');

export const InputFieldSchema = z
  .strictObject({
    type: z.enum(["string", "number", "integer", "boolean", "array", "object"]),
    items: InputItemSchema.optional().describe('Only for type "array": the type of its items'),
    description: z.string().optional(),
    required: z.boolean().optional().describe("default: true unless a default is given"),
    default: z.unknown().optional(),
    enum: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
  })
  .describe("One typed input a person fills in when starting the run");

export const ManualTriggerSchema = z.strictObject({
  type: z.literal("manual"),
  inputs: z
    .record(
      z.string().regex(IDENTIFIER, { message: "input names must be identifiers" }),
      InputFieldSchema,
    )
    .optional()
    .describe("Typed inputs, read as trigger.inputs.<name>"),
});

export const ScheduleTriggerSchema = z.strictObject({
  type: z.literal("schedule"),
  cron: z.string().describe('5-field cron: minute hour day month weekday, e.g. "30 7 * * 1-5"'),
  timezone: z.string().describe('IANA time zone, e.g. "Europe/Berlin"'),
});

export const OnceTriggerSchema = z.strictObject({
  type: z.literal("once"),
  at: z
    .string()
    .describe(
      'When it runs, once: local date and time in timezone, "2026-03-03T09:00" (or an instant with its offset, "2026-03-03T08:00:00Z")',
    ),
  timezone: z.string().describe('IANA time zone, e.g. "Europe/Berlin"'),
});

const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(500)
  .describe('Dedupe key, e.g. "{{ trigger.body.id }}"');

export const WebhookTriggerSchema = z.strictObject({
  type: z.literal("webhook"),
  description: z.string().optional(),
  idempotencyKey: IdempotencyKeySchema.optional(),
});

export const EventTriggerSchema = z.strictObject({
  type: z.literal("event"),
  event: z.string().min(1).describe('Event name, e.g. "workflow/run.finished"'),
  if: z.string().optional().describe("Expression over trigger.data; the run starts only when true"),
  idempotencyKey: IdempotencyKeySchema.optional(),
});

export const TriggerSchema = z.discriminatedUnion("type", [
  ManualTriggerSchema,
  ScheduleTriggerSchema,
  OnceTriggerSchema,
  WebhookTriggerSchema,
  EventTriggerSchema,
]);

export const RetrySchema = z.strictObject({
  attempts: z
    .number()
    .int()
    .min(1)
    .max(MAX_RETRY_ATTEMPTS)
    .describe("Total tries including the first"),
  backoff: z.enum(["none", "fixed", "exponential"]).optional(),
  delay: DurationSchema.optional().describe("First delay between tries"),
});

export const StepSchema = z.strictObject({
  id: StepIdSchema,
  action: z.string().min(1).describe("An action id from the catalog"),
  title: z.string().max(120).optional(),
  input: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Action input; strings may contain {{ expr }} bindings"),
  after: z.array(z.string()).optional().describe("Ids of steps that must finish first"),
  if: z.string().optional().describe("Expression; the step is skipped when false"),
  else: z
    .string()
    .optional()
    .describe(
      "Id of a step with an if: this step is its otherwise branch and runs exactly when that condition is false (it waits for that step's decision; no need to list it in after)",
    ),
  forEach: z.string().optional().describe("Expression giving a list; runs once per item"),
  maxItems: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(`Required with forEach: most items the loop may run (≤ ${MAX_FOREACH_ITEMS})`),
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional(),
  retry: RetrySchema.optional(),
  timeout: DurationSchema.optional(),
  onError: z.enum(["fail", "continue"]).optional(),
});

export const LimitsSchema = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_RUNS_AT_ONCE)
      .optional()
      .describe("Most runs at once"),
    rate: z
      .strictObject({
        limit: z.number().int().min(1).max(MAX_RUNS_PER_PERIOD),
        period: z.string(),
      })
      .optional()
      .describe("Most runs per period"),
    debounce: z
      .string()
      .optional()
      .describe("Run once, with the last delivery, after this quiet time"),
    singleton: z
      .enum(["skip", "replace"])
      .optional()
      .describe("No overlap: skip the new run, or replace the one going"),
    timeout: z.string().optional().describe("A run going longer fails"),
  })
  .describe("Flow control for the whole workflow's runs");

export const PlanSchema = z.strictObject({
  version: z.literal(PLAN_VERSION),
  title: z.string().min(1).max(120),
  summary: z.string().max(1000).optional(),
  timezone: z.string().optional().describe("IANA zone for local times; default: the trigger's"),
  trigger: TriggerSchema,
  limits: LimitsSchema.optional(),
  steps: z.array(StepSchema).min(1).max(MAX_STEPS),
  onFailure: z
    .array(StepSchema)
    .max(MAX_ON_FAILURE_STEPS)
    .optional()
    .describe("Steps that run once if the run fails; `error` is in scope"),
});

export type Plan = z.infer<typeof PlanSchema>;
export type PlanStep = z.infer<typeof StepSchema>;
export type Trigger = z.infer<typeof TriggerSchema>;
export type ManualTrigger = z.infer<typeof ManualTriggerSchema>;
export type ScheduleTrigger = z.infer<typeof ScheduleTriggerSchema>;
export type OnceTrigger = z.infer<typeof OnceTriggerSchema>;
export type WebhookTrigger = z.infer<typeof WebhookTriggerSchema>;
export type EventTrigger = z.infer<typeof EventTriggerSchema>;
export type InputField = z.infer<typeof InputFieldSchema>;
export type InputItem = z.infer<typeof InputItemSchema>;
export type RetryPolicy = z.infer<typeof RetrySchema>;
export type PlanLimits = z.infer<typeof LimitsSchema>;

/** The zone local times in a plan are read in: the plan's, else the schedule's, else `fallback`. */
export function planTimeZone(plan: Pick<Plan, "timezone" | "trigger">, fallback = "UTC"): string {
  if (plan.timezone) return plan.timezone;
  if (plan.trigger.type === "schedule" || plan.trigger.type === "once") {
    return plan.trigger.timezone;
  }
  return fallback;
}

/**
 * What a step waits for: its `after` list and, for an otherwise branch, the step whose
 * condition decides it. Graphs, progress and validation all read dependencies through this.
 */
export function stepDependencies(step: Pick<PlanStep, "after" | "else">): string[] {
  const after = step.after ?? [];
  return step.else !== undefined && !after.includes(step.else) ? [...after, step.else] : after;
}

/** Every step of a plan, main steps first, then `onFailure` steps. */
export function allSteps(plan: Pick<Plan, "steps" | "onFailure">): PlanStep[] {
  return [...plan.steps, ...(plan.onFailure ?? [])];
}
