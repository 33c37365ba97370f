// The executor's tables, in their own Postgres schema so they never collide with the app's.
// The hot path speaks raw SQL (sql/*.ts); these definitions exist for migrations and types.
import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const engine = pgSchema("engine");

const at = (name: string) => timestamp(name, { withTimezone: true });

/** One row per synced SDK app (a `serve()` endpoint). */
export const engineApps = engine.table("apps", {
  id: text().primaryKey(),
  url: text().notNull(),
  framework: text(),
  sdk: text(),
  syncedAt: at("synced_at").notNull().defaultNow(),
});

/** Functions as the SDK declared them at the last sync; `config` is the SDK's own JSON. */
export const engineFunctions = engine.table("functions", {
  id: text().primaryKey(),
  appId: text("app_id").notNull(),
  name: text().notNull(),
  url: text().notNull(),
  config: jsonb().notNull(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

/** Every accepted event, kept for run history and replay. */
export const engineEvents = engine.table(
  "events",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    /** The event exactly as functions receive it ({ name, data, id, ts, user?, v? }). */
    payload: jsonb().notNull(),
    idempotencyKey: text("idempotency_key"),
    receivedAt: at("received_at").notNull().defaultNow(),
  },
  (t) => [index("events_name_idx").on(t.name), index("events_received_idx").on(t.receivedAt)],
);

export const engineRuns = engine.table(
  "runs",
  {
    id: text().primaryKey(),
    functionId: text("function_id").notNull(),
    appId: text("app_id").notNull(),
    eventId: text("event_id").notNull(),
    event: jsonb().notNull(),
    /** A batch run's events (`batchEvents`), first one = `event`; null for a run of one. */
    events: jsonb(),
    /** queued | running | completed | failed | cancelled */
    status: text().notNull().default("queued"),
    output: jsonb(),
    error: jsonb(),
    /**
     * Once a run went parallel, steps are planned first (Go's ForceStepPlan) until the last
     * planned branch of the group joins it; a group joined by a sleep or wait keeps it.
     */
    forceStepPlan: boolean("force_step_plan").notNull().default(false),
    /** The request version the SDK chose on its first answer; -1 lets it decide. */
    requestVersion: integer("request_version").notNull().default(-1),
    concurrencyKey: text("concurrency_key"),
    concurrencyLimit: integer("concurrency_limit"),
    /** A second concurrency limit (Inngest allows two: e.g. per function and per key). */
    concurrencyKey2: text("concurrency_key_2"),
    concurrencyLimit2: integer("concurrency_limit_2"),
    /** `singleton`: at most one active run per key (the partial unique index below). */
    singletonKey: text("singleton_key"),
    parentRunId: text("parent_run_id"),
    parentStep: text("parent_step"),
    createdAt: at("created_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    endedAt: at("ended_at"),
  },
  (t) => [
    index("runs_function_idx").on(t.functionId, t.createdAt),
    index("runs_status_idx").on(t.status),
    index("runs_event_idx").on(t.eventId),
    // Ended runs by age: what the retention prunes (sql/prune-ended-runs.ts).
    index("runs_ended_idx").on(t.endedAt).where(sql`ended_at is not null`),
    uniqueIndex("runs_singleton_idx")
      .on(t.singletonKey)
      .where(sql`singleton_key is not null and status in ('queued', 'running')`),
  ],
);

/** Stored step results: the memo sent back to the SDK, keyed by the hashed step id. */
export const engineSteps = engine.table(
  "steps",
  {
    runId: text("run_id").notNull(),
    hash: text().notNull(),
    name: text(),
    /** completed | failed */
    status: text().notNull(),
    /** The exact memo value: {data}, {error}, a raw event or null. */
    output: jsonb(),
    /** Completion order, for ctx.stack. */
    position: integer().notNull(),
    completedAt: at("completed_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.hash] })],
);

/** One row per request that executed a step or failed at function level. */
export const engineAttempts = engine.table(
  "attempts",
  {
    id: text().primaryKey(),
    runId: text("run_id").notNull(),
    /** The hashed step id, or null for an error outside any step. */
    step: text(),
    name: text(),
    attempt: integer().notNull(),
    /** ok | error | failed */
    outcome: text().notNull(),
    error: jsonb(),
    startedAt: at("started_at").notNull(),
    durationMs: doublePrecision("duration_ms").notNull(),
  },
  (t) => [index("attempts_run_idx").on(t.runId)],
);

/**
 * The queue. kinds: event (match an accepted event), call (one request to the SDK), sleep,
 * wait_timeout, invoke_timeout, cron. Claimed with FOR UPDATE SKIP LOCKED.
 */
export const engineJobs = engine.table(
  "jobs",
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    runId: text("run_id"),
    payload: jsonb().notNull(),
    runAt: at("run_at").notNull().defaultNow(),
    lockedAt: at("locked_at"),
    lockedBy: text("locked_by"),
    /** Dedupe key: one discovery per run, one cron timer per function and schedule. */
    key: text().unique(),
    concurrencyKey: text("concurrency_key"),
    concurrencyLimit: integer("concurrency_limit"),
    concurrencyKey2: text("concurrency_key_2"),
    concurrencyLimit2: integer("concurrency_limit_2"),
  },
  (t) => [
    index("jobs_due_idx").on(t.runAt, t.id).where(sql`locked_at is null`),
    index("jobs_run_idx").on(t.runId),
    index("jobs_concurrency_idx").on(t.concurrencyKey).where(sql`locked_at is not null`),
    index("jobs_concurrency_2_idx").on(t.concurrencyKey2).where(sql`locked_at is not null`),
  ],
);

/** Runs waiting on an event: waitForEvent (wait), step.invoke (invoke) and cancelOn (cancel). */
export const enginePauses = engine.table(
  "pauses",
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    runId: text("run_id").notNull(),
    step: text(),
    eventName: text("event_name"),
    expression: text(),
    expiresAt: at("expires_at"),
    /** Planned in race mode: when it ends the function goes on, its siblings not joined. */
    race: boolean().notNull().default(false),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [index("pauses_event_idx").on(t.eventName), index("pauses_run_idx").on(t.runId)],
);

/**
 * GCRA state of the flow-control limits that count run starts: `idempotency` (one per key
 * per 24 h), `rateLimit` (over the limit: skipped) and `throttle` (over the limit: started
 * later). One row per function and key; `tat` is the theoretical arrival time, a row whose
 * `tat` has passed means the same as no row (pruned with the ended runs).
 */
export const engineFlowLimits = engine.table("flow_limits", {
  key: text().primaryKey(),
  tat: at("tat").notNull(),
});

/**
 * `debounce`: the burst in progress per function and key. Each event replaces `event_id`
 * and pushes `fire_at`; the `debounce` job (key `debounce:<key>`) starts the run then.
 */
export const engineDebounces = engine.table("debounces", {
  key: text().primaryKey(),
  functionId: text("function_id").notNull(),
  eventId: text("event_id").notNull(),
  firstAt: at("first_at").notNull().defaultNow(),
  fireAt: at("fire_at").notNull(),
});

/**
 * `batchEvents`: the batch being filled per function and key. A run starts with its events
 * once it holds `maxSize` of them, or at `due_at` (its first event + `timeout`) when the
 * `batch` job (key `batch:<key>`) fires.
 */
export const engineBatches = engine.table("batches", {
  key: text().primaryKey(),
  functionId: text("function_id").notNull(),
  /** The batched event ids, in arrival order (a JSON array of strings). */
  eventIds: jsonb("event_ids").notNull(),
  dueAt: at("due_at").notNull(),
});

/**
 * `defer()`: the runs a run asked to start once it ends (`DeferAdd`), keyed by the defer's
 * hashed id (first write wins). `DeferAbort` marks one aborted, even before its add arrives.
 * When the run completes or fails, every defer not aborted becomes an
 * `inngest/deferred.schedule` event (`scheduled_at` set), which starts the `createDefer`
 * function whose slug it names.
 */
export const engineDefers = engine.table(
  "defers",
  {
    runId: text("run_id").notNull(),
    hash: text().notNull(),
    /** The target's function slug (`<app>-<id>`); null for an abort that came alone. */
    fnSlug: text("fn_slug"),
    input: jsonb(),
    /** The event `meta` the deferred run inherits (manual and propagated sessions). */
    meta: jsonb(),
    aborted: boolean().notNull().default(false),
    scheduledAt: at("scheduled_at"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.hash] })],
);

/**
 * Run metadata (`score()`, `metadata.update()`, AI usage): one row per run, target, scope and
 * kind, whose `values` later updates merge into (Inngest's `merge` op). `step` is the hashed
 * step id of a step's metadata, '' for the run's own.
 */
export const engineRunMetadata = engine.table(
  "run_metadata",
  {
    runId: text("run_id").notNull(),
    step: text().notNull(),
    scope: text().notNull(),
    kind: text().notNull(),
    values: jsonb().notNull(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.step, t.scope, t.kind] })],
);
