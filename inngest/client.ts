// The app's one Inngest client and the events it sends and receives. Which engine drives the
// functions is configuration only (lib/env.ts): nothing set → the embedded executor on
// 127.0.0.1:INNGEST_EMBEDDED_PORT; INNGEST_DEV=1 → the official Dev Server; a signing key
// or base URL → Inngest Cloud or self-hosted `inngest start`.
import { eventType, Inngest } from "inngest";
import { z } from "zod";
import { type Env, env } from "@/lib/env";

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

/** Stops a run (cancelOn matches data.runId). */
export const runCancelRequested = eventType("workflow/run.cancel", {
  schema: z.object({ ...runRef }),
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

/** A wait step's signal (resume URL, approval): ends `step.waitForEvent` of that wait. */
export const waitResumed = eventType("workflow/wait.resumed", {
  schema: z.object({ runId: z.uuid(), stepId: z.string(), payload: z.unknown().optional() }),
});

/** Re-sends a stored signal until its wait takes it (covers a wait registering late). */
export const waitSignaled = eventType("workflow/wait.signaled", {
  schema: z.object({ runId: z.uuid(), stepId: z.string() }),
});

export type ClientOptions = ConstructorParameters<typeof Inngest>[0];

/** Client options from env; no branching anywhere else in the app. */
export function clientOptionsFromEnv(config: Env = env()): ClientOptions {
  if (config.INNGEST_SIGNING_KEY || config.INNGEST_BASE_URL) {
    if (config.INNGEST_DEV) return { id: APP_ID, isDev: true, baseUrl: config.INNGEST_BASE_URL };
    return {
      id: APP_ID,
      isDev: false,
      baseUrl: config.INNGEST_BASE_URL,
      signingKey: config.INNGEST_SIGNING_KEY,
      eventKey: config.INNGEST_EVENT_KEY,
    };
  }
  if (config.INNGEST_DEV) return { id: APP_ID, isDev: true };
  return {
    id: APP_ID,
    isDev: true,
    baseUrl: `http://127.0.0.1:${config.INNGEST_EMBEDDED_PORT}`,
  };
}

/** True when no Inngest is configured, so the app hosts the embedded executor itself. */
export function usesEmbeddedExecutor(config: Env = env()): boolean {
  return !config.INNGEST_DEV && !config.INNGEST_SIGNING_KEY && !config.INNGEST_BASE_URL;
}

export type FlowchatInngest = Inngest.Any;

export const inngest: FlowchatInngest = new Inngest(clientOptionsFromEnv());
