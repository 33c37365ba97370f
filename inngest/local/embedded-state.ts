// The state of the executor this process hosts, for /api/health. Instrumentation starts it and
// each route bundle loads modules separately, so it is read from the globalThis singleton that
// startEmbeddedEngine (embedded.ts) keeps; this module stays free of the executor's code.

import type { InProcessApi } from "./in-process-fetch";

/**
 * starting: the first attempt is under way; ok: serving (on PostgreSQL every process serves,
 * leader or not); down: the last attempt failed (database locked or unavailable, port
 * taken…) and another follows with backoff, or it was stopped.
 */
export type EmbeddedEngineState = "starting" | "ok" | "down";

const globalForEngine = globalThis as unknown as {
  flowchatEngine?: {
    readonly state: EmbeddedEngineState;
    readonly engine: { readonly api: InProcessApi | undefined } | undefined;
  };
};

/** undefined when this process hosts no embedded executor. */
export function hostedEngineState(): EmbeddedEngineState | undefined {
  return globalForEngine.flowchatEngine?.state;
}

/**
 * The API of the executor this process hosts, for the app's Inngest client to call without
 * HTTP (in-process-fetch.ts); undefined when none serves here.
 */
export function hostedEngineApi(): InProcessApi | undefined {
  return globalForEngine.flowchatEngine?.engine?.api;
}
