// What every job handler is given: the worker's dependencies, and the one way it writes (a
// transaction whose deferred effects run, and which wakes the dispatcher, once committed).
import type { Backoff } from "../backoff";
import type { EngineLogger } from "../interfaces";
import type { Registry } from "../registry";
import type { LifecycleContext } from "../run-lifecycle";
import type { Queryable, SqlClient } from "../sql-client";

export type WorkerDeps = {
  sql: SqlClient;
  registry: Registry;
  logger: EngineLogger;
  backoff: Backoff;
  signingKey?: string;
  /** Lets SDKs checkpoint (needs the HTTP API, where the SDK posts its step results). */
  checkpointing: boolean;
  /** Wakes the dispatcher after a commit queued due work. */
  wake: () => void;
  /** The dispatcher's lock owner name, for jobs this worker claims for itself. */
  workerId: () => string;
  isRunning: () => boolean;
  /** The time (epoch ms) cron schedules are computed from: Date.now unless a test's clock. */
  clock: () => number;
};

/**
 * Runs `fn` in a transaction and, once committed, the deferred effects it registered, then
 * wakes the dispatcher for the work it may have queued (`wake: false`: a write that never
 * queues any, such as a checkpoint's step results, spares it a claim and a look at the queue).
 */
export async function inTransaction<T>(
  deps: Pick<WorkerDeps, "sql" | "logger" | "wake">,
  fn: (q: Queryable, ctx: LifecycleContext) => Promise<T>,
  { wake = true }: { wake?: boolean } = {},
): Promise<T> {
  const after: (() => void)[] = [];
  const ctx: LifecycleContext = { logger: deps.logger, afterCommit: (f) => after.push(f) };
  // No NOTIFY here: the worker that queued the work wakes itself below and takes it (the
  // other processes pick up what it leaves on their next claim). Events accepted through
  // the API do notify (engine.send), for the workers of every process.
  const result = await deps.sql.tx((q) => fn(q, ctx));
  for (const f of after) f();
  if (wake) deps.wake();
  return result;
}
