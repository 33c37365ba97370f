// The one chat message type of the app: metadata, typed data parts and the planner tools.
import type { UIMessage } from "ai";
import { z } from "zod";
import type { RerunPreview } from "@/lib/runs/rerun-plan";
import type { NotifyUITools } from "./tools/notify-tool-types";
import type { PlannerUITools } from "./tools/planner-types";
import type { RunUITools } from "./tools/run-tool-types";
import type { TemplateUITools } from "./tools/template-tool-types";

/** The longest message a person can send; the composer and /api/chat enforce the same limit. */
export const MAX_MESSAGE_CHARS = 8_000;

export const messageMetadataSchema = z.object({
  createdAt: z.string().optional(),
  model: z.string().optional(),
  /** Set on everything a workflow run posts into the thread (run card, summary, chat.post). */
  postedBy: z.literal("workflow").optional(),
  /** The run a run card or summary belongs to. */
  runId: z.string().optional(),
  workflowId: z.string().optional(),
  /** A run's messages: its workflow's title and when the run was made (ISO), for their header. */
  workflowTitle: z.string().optional(),
  runAt: z.string().optional(),
  /** A workflow message's place in the thread (µs since the epoch; thread-order.ts). */
  order: z.number().optional(),
  /** The run step a chat.post message came from. */
  workflowRun: z
    .object({ runId: z.string(), workflowId: z.string(), stepId: z.string().optional() })
    .optional(),
});

export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

/**
 * `data-plan`: a plan version that did not come from a tool call (the person's own edit),
 * shown as a plan card like the planner tools' parts.
 */
export const planDataSchema = z.object({
  workflowId: z.uuid(),
  versionId: z.uuid(),
  version: z.number().int().positive(),
  author: z.enum(["model", "person"]),
});

export type PlanData = z.infer<typeof planDataSchema>;

/** `data-run`: a run started from the thread, shown as a live run card. */
export const runDataSchema = z.object({
  runId: z.uuid(),
  workflowId: z.uuid(),
  title: z.string(),
  /** A test run (side effects simulated): shown as a test card. */
  test: z.literal(true).optional(),
  /** Set when the run ends: an old card renders collapsed from it, without reading the run. */
  outcome: z
    .object({
      status: z.string(),
      finishedAt: z.string(),
      durationMs: z.number().nullable(),
      failedStep: z.string().nullable().optional(),
      error: z.string().optional(),
    })
    .optional(),
});

export type RunData = z.infer<typeof runDataSchema>;

/**
 * `data-batch`: what the runs of one webhook workflow posted within one minute, gathered in
 * one message instead of a card, posts and a summary per run (a flood of calls must not
 * flood the thread). Runs and posts beyond the shown ones are only counted.
 */
export const batchDataSchema = z.object({
  workflowId: z.uuid(),
  title: z.string(),
  trigger: z.literal("webhook"),
  windowStart: z.string(),
  total: z.number().int().min(0),
  runs: z.array(z.object({ runId: z.uuid(), status: z.string(), at: z.string() })),
  posts: z.array(z.object({ runId: z.uuid(), key: z.string(), text: z.string(), at: z.string() })),
  omittedPosts: z.number().int().min(0),
});

export type BatchData = z.infer<typeof batchDataSchema>;

/**
 * What a confirmation card shows (an approval request's `descriptor`): computed by the server
 * from its own records when the request is made, stored with the message, never read back as a
 * decision. `title` is null when the workflow or run is not the person's (or does not exist).
 */
const rerunStepSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  action: z.string(),
  phase: z.enum(["main", "onFailure"]),
  fate: z.enum(["reused", "runs", "changed", "new"]),
  reason: z.string(),
  sideEffect: z
    .object({
      kind: z.enum([
        "email",
        "slack",
        "chat",
        "http",
        "mcp",
        "store",
        "workflow",
        "approval",
        "other",
      ]),
      says: z.string(),
    })
    .nullable(),
  reusedUnits: z.array(z.string()),
});

/** A re-run's preview as a confirmation card keeps it (lib/runs/rerun-plan.ts `RerunPreview`). */
export const rerunPreviewSchema: z.ZodType<RerunPreview> = z.object({
  runId: z.string(),
  from: z.string(),
  fromStep: z.string().nullable(),
  steps: z.array(rerunStepSchema),
  removed: z.array(
    z.object({
      id: z.string(),
      title: z.string().nullable(),
      action: z.string(),
      phase: z.enum(["main", "onFailure"]),
    }),
  ),
  reused: z.array(z.string()),
  version: z.enum(["pinned", "latest"]),
  versions: z.object({ pinned: z.number(), target: z.number() }),
  diff: z.array(z.string()).nullable(),
  trigger: z.object({
    type: z.enum(["manual", "schedule", "webhook", "event"]),
    editable: z.enum(["inputs", "body", "data"]).nullable(),
    payload: z.unknown(),
    inputsEdited: z.boolean(),
  }),
});

export const confirmationSchema = z.object({
  /** `resume`: resuming with a back-fill; `bulk-*`: a bulk action (`count` runs, `scope` words). */
  action: z.enum([
    "run",
    "cancel",
    "resume",
    "bulk-rerun",
    "bulk-cancel",
    "approve",
    "reject",
    "rerun",
  ]),
  workflowId: z.string().nullable(),
  title: z.string().nullable(),
  runId: z.string().optional(),
  runStatus: z.string().optional(),
  /** How many runs it starts or takes (a back-fill's missed fire times, a bulk action's runs). */
  count: z.number().int().min(0).optional(),
  /** Which runs a bulk action takes, in words. */
  scope: z.string().optional(),
  /** An approval's question, as its run asked it. */
  question: z.string().optional(),
  /** A re-run: when the run it re-runs was made (ISO). */
  runAt: z.string().optional(),
  /** A re-run: what it reuses and runs again, as the person confirms it. */
  rerun: rerunPreviewSchema.optional(),
  inputs: z.array(
    z.object({ name: z.string(), value: z.unknown(), defaulted: z.boolean().optional() }),
  ),
});

export type Confirmation = z.infer<typeof confirmationSchema>;

export type ChatDataParts = {
  plan: PlanData;
  run: RunData;
  batch: BatchData;
};

export type ChatTools = PlannerUITools & RunUITools & NotifyUITools & TemplateUITools;

export type ChatMessage = UIMessage<MessageMetadata, ChatDataParts, ChatTools>;
