// The app's tables (DESIGN.md §4). Every row that belongs to a person carries its owner.
import { type InferSelectModel, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable("users", {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
  name: text(),
  image: text(),
  passwordHash: text("password_hash"),
  timezone: text(),
  createdAt: createdAt(),
});

/** External sign-in identities (GitHub) linked to a user. */
export const accounts = pgTable(
  "accounts",
  {
    provider: text().notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("accounts_provider_idx").on(t.provider, t.providerAccountId)],
);

/**
 * Sessions ended by signing out before their JWT expired. The session cookie is a signed JWT
 * that stays valid until it expires, so a copy taken before sign-out would still work; the
 * jwt callback refuses any session id listed here. Rows are pruned once `expires_at` passes
 * (no token carrying the id can be valid by then).
 */
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("revoked_sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Rate-limit counters (lib/rate-limit), in the shape rate-limiter-flexible's RateLimiterDrizzle
 * upserts: one row per limit and hashed key, counting points until `expire`. Kept in the
 * database so a limit holds across every process sharing it.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text().primaryKey(),
    points: integer().notNull().default(0),
    expire: timestamp({ withTimezone: true }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

export const threads = pgTable(
  "threads",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text().notNull().default("New chat"),
    /**
     * Counts the changes workflows made to the thread's messages (lib/runs/thread-live.ts):
     * bumped under the thread's row lock, so it orders them as they commit.
     */
    liveSeq: integer("live_seq").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("threads_user_idx").on(t.userId, t.updatedAt)],
);

/** AI SDK UIMessages, stored as their parts so a reload renders exactly what streamed. */
export const messages = pgTable(
  "messages",
  {
    id: text().primaryKey(),
    threadId: uuid("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    role: text({ enum: ["user", "assistant", "system"] }).notNull(),
    parts: jsonb().notNull(),
    metadata: jsonb(),
    /** The thread's `liveSeq` when a workflow last wrote this message (0: never). */
    liveSeq: integer("live_seq").notNull().default(0),
    createdAt: createdAt(),
  },
  // The thread reads newest first by (created_at, id), a page at a time (lib/db/thread-page-queries).
  (t) => [
    index("messages_thread_idx").on(t.threadId, t.createdAt, t.id),
    index("messages_thread_live_idx").on(t.threadId, t.liveSeq),
  ],
);

export const workflows = pgTable(
  "workflows",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: uuid("thread_id").references(() => threads.id, { onDelete: "set null" }),
    title: text().notNull(),
    status: text({ enum: ["draft", "active", "paused", "archived"] })
      .notNull()
      .default("draft"),
    /** The approved version that runs; null until one is approved. */
    activeVersionId: uuid("active_version_id"),
    /**
     * What its scheduled and event-triggered runs add to the thread (lib/runs/notify.ts):
     * `failures` = a successful run adds only what it posts, a failed one its card and summary;
     * `always` = every run adds its card and summary too.
     */
    notify: text({ enum: ["always", "failures"] })
      .notNull()
      .default("failures"),
    /**
     * When the person last resumed it after a pause (status `paused`): schedules never start
     * what fired before this (no back-fill unless the person asks for it).
     */
    resumedAt: timestamp("resumed_at", { withTimezone: true }),
    /** When it was paused (null while it is not). */
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workflows_user_idx").on(t.userId, t.updatedAt)],
);

export const workflowVersions = pgTable(
  "workflow_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    number: integer().notNull(),
    plan: jsonb().notNull(),
    author: text({ enum: ["model", "person"] }).notNull(),
    state: text({ enum: ["draft", "approved", "rejected", "superseded"] })
      .notNull()
      .default("draft"),
    /** What changed and why, as the model or the person wrote it. */
    note: text(),
    approvedBy: uuid("approved_by").references(() => users.id, { onDelete: "set null" }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    rejectedAt: timestamp("rejected_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workflow_versions_number_idx").on(t.workflowId, t.number)],
);

export const runs = pgTable(
  "runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => workflowVersions.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: uuid("thread_id").references(() => threads.id, { onDelete: "set null" }),
    trigger: jsonb().notNull(),
    status: text({
      enum: ["queued", "running", "waiting", "succeeded", "failed", "cancelled"],
    })
      .notNull()
      .default("queued"),
    error: jsonb(),
    output: jsonb(),
    engineRunId: text("engine_run_id"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
    /** Counted in run_rollups/step_rollups (set when the run ends, or by the backfill). */
    rolledUp: boolean("rolled_up").notNull().default(false),
    /** The run this one re-runs ("re-run of …"); its re-runs are the rows pointing here. */
    rerunOfId: uuid("rerun_of_id").references((): AnyPgColumn => runs.id, { onDelete: "set null" }),
    /**
     * How it re-runs its source (lib/runs/rerun.ts): `{ from, version, reused: unit ids whose
     * recorded outputs are reused, inputsEdited }`; null for a run that is not a re-run.
     */
    rerun: jsonb(),
    /** The bulk action that started it (a bulk re-run), if any. */
    bulkActionId: uuid("bulk_action_id").references((): AnyPgColumn => bulkActions.id, {
      onDelete: "set null",
    }),
    /**
     * A test run (lib/runs/test-run.ts): `{ waits: { <stepId>: branch } }`, the way each wait
     * goes; null for a real run. Its side effects were simulated, so it is never counted in the
     * history, the metrics or the rollups, never announced, and posts only its own card.
     */
    test: jsonb(),
    /**
     * When the plan's limits (`plan.limits`: concurrency, rate, singleton, timeout) let the
     * run go (inngest/functions/run-limits.ts); null for a run whose plan has none. An active
     * run with it set holds one of its workflow's slots; the rate counts these instants.
     */
    admittedAt: timestamp("admitted_at", { withTimezone: true }),
  },
  (t) => [
    // The history's keyset order (created_at, id) and "last run" per workflow.
    index("runs_workflow_idx").on(t.workflowId, t.createdAt, t.id),
    index("runs_user_idx").on(t.userId, t.createdAt),
    index("runs_thread_idx").on(t.threadId, t.createdAt),
    index("runs_rerun_of_idx").on(t.rerunOfId).where(sql`${t.rerunOfId} is not null`),
    // A bulk re-run starts each source run's re-run once, whatever retries its batches take.
    uniqueIndex("runs_bulk_source_idx")
      .on(t.bulkActionId, t.rerunOfId)
      .where(sql`${t.bulkActionId} is not null`),
    // Runs still going (the metrics count them live; rollups hold only ended runs).
    index("runs_active_idx")
      .on(t.workflowId, t.createdAt)
      .where(sql`${t.status} in ('queued', 'running', 'waiting')`),
    // Ended runs the rollups do not count yet (the backfill's queue; empty in steady state).
    index("runs_unrolled_idx")
      .on(t.workflowId, t.createdAt)
      .where(sql`not ${t.rolledUp} and ${t.status} in ('succeeded', 'failed', 'cancelled')`),
    // Runs a workflow's limits let go, by when (the slots and the rate, run-limits.ts).
    index("runs_admitted_idx")
      .on(t.workflowId, t.admittedAt)
      .where(sql`${t.admittedAt} is not null`),
  ],
);

/**
 * Deliveries a trigger's idempotency key already named (lib/runs/deliveries.ts): one row per
 * (workflow, key hash), the run it started; a key claimed more than 24 h ago may be claimed
 * again. Not a foreign key to runs: a pruned run still keeps its delivery from running twice.
 */
export const workflowDeliveryKeys = pgTable(
  "workflow_delivery_keys",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    /** sha256 (hex) of the resolved key. */
    keyHash: text("key_hash").notNull(),
    runId: uuid("run_id").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.keyHash] }),
    index("workflow_delivery_keys_claimed_idx").on(t.claimedAt),
  ],
);

/**
 * A debounced workflow's pending run (plan `limits.debounce`): each delivery in the burst
 * replaces its trigger and pushes `settles_at`; the run goes when it passes (run-limits.ts).
 */
export const workflowDebounces = pgTable("workflow_debounces", {
  workflowId: uuid("workflow_id")
    .primaryKey()
    .references(() => workflows.id, { onDelete: "cascade" }),
  runId: uuid("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  settlesAt: timestamp("settles_at", { withTimezone: true }).notNull(),
  deliveries: integer().notNull().default(1),
});

/** One row per attempt of a plan step (and per loop iteration). */
export const runSteps = pgTable(
  "run_steps",
  {
    id: uuid().primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    iteration: integer().notNull().default(-1),
    attempt: integer().notNull().default(0),
    status: text({
      enum: ["running", "succeeded", "failed", "skipped", "waiting", "cancelled"],
    }).notNull(),
    input: jsonb(),
    output: jsonb(),
    error: jsonb(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    /** A re-run's reused step: the run whose recorded output it took (nothing was executed). */
    reusedFrom: uuid("reused_from"),
    /**
     * A test run's simulated step: what it would have sent (lib/plan/effects.ts `WouldSend`);
     * its output is the simulation's stand-in. Null for a step that ran.
     */
    simulated: jsonb(),
  },
  (t) => [uniqueIndex("run_steps_attempt_idx").on(t.runId, t.stepId, t.iteration, t.attempt)],
);

/** Append-only run log, ordered by seq within a run. */
export const runEvents = pgTable(
  "run_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    level: text({ enum: ["debug", "info", "warn", "error"] })
      .notNull()
      .default("info"),
    stepId: text("step_id"),
    message: text().notNull(),
    data: jsonb(),
    /** Idempotency key: a retried or replayed step writes the same key, never a second row. */
    key: text(),
  },
  (t) => [
    uniqueIndex("run_events_seq_idx").on(t.runId, t.seq),
    uniqueIndex("run_events_key_idx").on(t.runId, t.key),
  ],
);

/**
 * Signals for wait steps (resume URL calls, approvals), kept until the wait consumes them: a
 * signal that arrives before the run reaches its wait is not lost. One row per wait; the
 * first signal wins.
 */
export const waitSignals = pgTable(
  "wait_signals",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    /** The plan step id of the wait. */
    stepId: text("step_id").notNull(),
    payload: jsonb(),
    signaledAt: timestamp("signaled_at", { withTimezone: true }),
    /** Set when the run started waiting (the interpreter checked for a signal). */
    armedAt: timestamp("armed_at", { withTimezone: true }),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    /** wait.event only: the app event that also ends this wait while it is armed. */
    eventName: text("event_name"),
    /** wait.event only: its `match`, the slice of the step's scope it reads, the plan's zone. */
    matcher: jsonb().$type<EventWaitMatcher>(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.stepId] }),
    index("wait_signals_event_idx").on(t.eventName).where(sql`${t.eventName} is not null`),
  ],
);

/** Step outputs too large to carry in the engine's step state, stored once and referenced. */
export const runOutputs = pgTable(
  "run_outputs",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    /** `<stepId>` or `<stepId>#<index>`. */
    unitId: text("unit_id").notNull(),
    value: jsonb().notNull(),
    size: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.unitId] })],
);

/**
 * A workflow's ended runs per UTC hour of their creation (lib/db/rollup-queries.ts): what the
 * metrics and the dashboard read instead of the runs, and what outlives their pruning.
 * `durations` is a sparse histogram { bucket: count } (lib/workflows/duration-histogram.ts)
 * of succeeded and failed runs' durations.
 */
export const runRollups = pgTable(
  "run_rollups",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    hour: timestamp({ withTimezone: true }).notNull(),
    succeeded: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    cancelled: integer().notNull().default(0),
    durations: jsonb().$type<Record<string, number>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.hour] }),
    index("run_rollups_user_idx").on(t.userId, t.hour),
  ],
);

/**
 * Per plan step of a workflow, per UTC hour of the runs' creation: ended attempts, failed
 * attempts, retries (attempts after the first), attempt durations, and the runs that failed at
 * the step with the newest of them (its run may since have been pruned).
 */
export const stepRollups = pgTable(
  "step_rollups",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    hour: timestamp({ withTimezone: true }).notNull(),
    attempts: integer().notNull().default(0),
    failures: integer().notNull().default(0),
    retries: integer().notNull().default(0),
    durations: jsonb().$type<Record<string, number>>().notNull().default({}),
    runFailures: integer("run_failures").notNull().default(0),
    lastFailedRunId: uuid("last_failed_run_id"),
    lastFailedAt: timestamp("last_failed_at", { withTimezone: true }),
    lastError: text("last_error"),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.hour, t.stepId] })],
);

/** Per-user credentials, AES-256-GCM encrypted; values are never read back to the UI. */
export const secrets = pgTable(
  "secrets",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    ciphertext: text().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("secrets_user_name_idx").on(t.userId, t.name)],
);

/** store.get / store.set: a small key-value store per workflow, for state across runs. */
export const workflowStore = pgTable(
  "workflow_store",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    key: text().notNull(),
    value: jsonb().notNull(),
    /** Bytes of the value's JSON text, checked against the per-value cap. */
    size: integer().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.key] })],
);

/** A person's MCP servers: streamable HTTP (auth header from a secret) or a stdio command. */
export const mcpServers = pgTable(
  "mcp_servers",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** What plans call it: `mcp.call` with `server: "<name>"`. */
    name: text().notNull(),
    transport: text({ enum: ["http", "stdio"] }).notNull(),
    url: text(),
    headerName: text("header_name"),
    /** Name of the secret whose value is sent in `headerName`. */
    headerSecret: text("header_secret"),
    command: text(),
    args: jsonb().$type<string[]>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("mcp_servers_user_name_idx").on(t.userId, t.name)],
);

export type User = InferSelectModel<typeof users>;
export type Thread = InferSelectModel<typeof threads>;
export type Message = InferSelectModel<typeof messages>;
export type Workflow = InferSelectModel<typeof workflows>;
export type WorkflowVersion = InferSelectModel<typeof workflowVersions>;
export type Run = InferSelectModel<typeof runs>;
export type RunStep = InferSelectModel<typeof runSteps>;
export type RunEvent = InferSelectModel<typeof runEvents>;
export type WaitSignal = InferSelectModel<typeof waitSignals>;
export type Secret = InferSelectModel<typeof secrets>;
export type WorkflowStoreEntry = InferSelectModel<typeof workflowStore>;
export type McpServer = InferSelectModel<typeof mcpServers>;
export type RunRollup = InferSelectModel<typeof runRollups>;
export type StepRollup = InferSelectModel<typeof stepRollups>;
export type RevokedSession = InferSelectModel<typeof revokedSessions>;

/** How a wait.event checks an app event that arrives while it waits. */
export type EventWaitMatcher = {
  match: string | null;
  scope: Record<string, unknown>;
  timeZone: string;
};

/**
 * How far the schedule tick has looked (one row per scheduler): a tick after downtime starts
 * what fired while nothing was ticking (lib/runs/schedules.ts).
 */
export const schedulerState = pgTable("scheduler_state", {
  id: text().primaryKey(),
  tickedThrough: timestamp("ticked_through", { withTimezone: true }).notNull(),
  updatedAt: updatedAt(),
});

/**
 * A bulk action on runs (cancel or re-run every run matching a filter), run as a durable job
 * (inngest/functions/bulk-runs.ts) in batches, with its progress here.
 */
export const bulkActions = pgTable(
  "bulk_actions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text({ enum: ["cancel", "rerun"] }).notNull(),
    /** Which runs: `{ workflowId?, status?, from?, to?, failedStep? }` (lib/runs/bulk.ts). */
    filter: jsonb().notNull(),
    /** A re-run's `{ from, version }`. */
    options: jsonb().notNull().default({}),
    status: text({ enum: ["queued", "running", "succeeded", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    /** Runs the filter matched when the action was created (the dry-run count). */
    total: integer().notNull().default(0),
    done: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    /** The newest source run handled, (created_at, id) keyset: where the next batch starts. */
    cursor: jsonb(),
    error: jsonb(),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("bulk_actions_user_idx").on(t.userId, t.createdAt)],
);

export type BulkAction = InferSelectModel<typeof bulkActions>;
