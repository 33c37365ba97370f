// The app's one Inngest client and the events it sends and receives. Which engine drives the
// functions is configuration only (lib/env.ts, `engineMode`): nothing set → the embedded
// executor on 127.0.0.1:INNGEST_EMBEDDED_PORT with keys from DATA_DIR; INNGEST_DEV=1 → the
// official Dev Server; a signing key or base URL → Inngest Cloud or self-hosted `inngest start`.
import { eventType, Inngest } from "inngest";
import { z } from "zod";
import { type Env, env } from "@/lib/env";
import { embeddedEngineKeys } from "./keys";
import { hostedEngineApi } from "./local/embedded-state";
import { inProcessFetch } from "./local/in-process-fetch";

export const APP_ID = "flowchat";

const runRef = {
  runId: z.uuid(),
  userId: z.uuid(),
};

/** Start (or, through step.invoke, nest) one run of a pinned workflow version. */
export const runRequested = eventType("workflow/run.requested", {
  schema: z.object({
    ...runRef,
    workflowId: z.uuid(),
    versionId: z.uuid(),
    /** How many workflow.run levels deep this run is (0 for a top-level run). */
    depth: z.number().int().min(0).optional(),
  }),
});

/**
 * Stops a run (cancelOn matches data.runId), and its child runs with it (cancel-child-runs).
 * `reason`: why it was stopped when not by its owner (its time limit, a newer run), which its
 * children's reason repeats.
 */
export const runCancelRequested = eventType("workflow/run.cancel", {
  schema: z.object({ ...runRef, reason: z.string().max(1000).optional() }),
});

/**
 * A run with a time limit (plan `limits.timeout`) was let go: the run-deadline function fails
 * it at `deadline` if it is still going (inngest/functions/run-deadline.ts).
 */
export const runDeadlineSet = eventType("workflow/run.deadline", {
  schema: z.object({
    ...runRef,
    deadline: z.string(),
    timeoutMs: z.number().int().positive(),
  }),
});

/** A run ended: workflows with an event trigger on it may start (inngest/functions/event-triggers). */
export const runFinished = eventType("workflow/run.finished", {
  schema: z.object({
    ...runRef,
    workflowId: z.uuid(),
    status: z.enum(["succeeded", "failed"]),
    error: z.unknown().optional(),
    depth: z.number().int().min(0).optional(),
  }),
});

/** A run failed (sent beside `workflow/run.finished`): "when the digest fails, …". */
export const runFailed = eventType("workflow/run.failed", {
  schema: z.object({
    ...runRef,
    workflowId: z.uuid(),
    status: z.literal("failed"),
    error: z.unknown().optional(),
    depth: z.number().int().min(0).optional(),
  }),
});

/** The person sent a message in one of their threads (app/api/chat): "when I write …". */
export const messagePosted = eventType("thread/message.posted", {
  schema: z.object({
    userId: z.uuid(),
    threadId: z.string(),
    messageId: z.string(),
    text: z.string(),
  }),
});

/** A wait step's signal (resume URL, approval): ends `step.waitForEvent` of that wait. */
export const waitResumed = eventType("workflow/wait.resumed", {
  schema: z.object({ runId: z.uuid(), stepId: z.string(), payload: z.unknown().optional() }),
});

/** Re-sends a stored signal until its wait takes it (covers a wait registering late). */
export const waitSignaled = eventType("workflow/wait.signaled", {
  schema: z.object({ runId: z.uuid(), stepId: z.string() }),
});

/** A bulk action on runs was created: the bulk-runs job works through it (lib/runs/bulk.ts). */
export const bulkRequested = eventType("runs/bulk.requested", {
  schema: z.object({ bulkActionId: z.uuid(), userId: z.uuid() }),
});

export type ClientOptions = ConstructorParameters<typeof Inngest>[0];

/**
 * Which engine drives the app's functions: the embedded executor (default), the official
 * Dev Server (INNGEST_DEV=1, local development only: nothing is signed), or Inngest Cloud /
 * a self-hosted `inngest start` (keys required).
 */
export type EngineMode = "embedded" | "dev" | "cloud";

export function engineMode(config: Env = env()): EngineMode {
  if (config.INNGEST_MODE) return config.INNGEST_MODE;
  if (config.INNGEST_DEV) return "dev";
  if (config.INNGEST_SIGNING_KEY || config.INNGEST_BASE_URL) return "cloud";
  return "embedded";
}

/** The embedded executor's API, on loopback. */
export function embeddedEngineUrl(config: Env = env()): string {
  return `http://127.0.0.1:${config.INNGEST_EMBEDDED_PORT}`;
}

/**
 * Client options from env; no branching anywhere else in the app. Every mode but the Dev
 * Server is Inngest's cloud mode: the SDK verifies the signature of every call to
 * /api/inngest. The embedded engine's keys are read (or generated into DATA_DIR) on first
 * use, not at import, so `next build` never creates them: the SDK reads these options lazily.
 */
export function clientOptionsFromEnv(config: Env = env()): ClientOptions {
  switch (engineMode(config)) {
    case "dev":
      return { id: APP_ID, isDev: true, baseUrl: config.INNGEST_BASE_URL };
    case "cloud":
      return {
        id: APP_ID,
        isDev: false,
        baseUrl: config.INNGEST_BASE_URL,
        signingKey: config.INNGEST_SIGNING_KEY,
        eventKey: config.INNGEST_EVENT_KEY,
      };
    case "embedded":
      return {
        id: APP_ID,
        isDev: false,
        baseUrl: embeddedEngineUrl(config),
        // Events and step checkpoints go straight to the executor this process hosts (same
        // routes, same key checks), over HTTP only while it does not serve here.
        fetch: inProcessFetch(hostedEngineApi),
        get signingKey() {
          return embeddedEngineKeys(config).signingKey;
        },
        get eventKey() {
          return embeddedEngineKeys(config).eventKey;
        },
      };
  }
}

/** True when no Inngest is configured, so the app hosts the embedded executor itself. */
export function usesEmbeddedExecutor(config: Env = env()): boolean {
  return engineMode(config) === "embedded";
}

export type FlowchatInngest = Inngest.Any;

export const inngest: FlowchatInngest = new Inngest(clientOptionsFromEnv());
