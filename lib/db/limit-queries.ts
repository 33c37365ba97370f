// A workflow's limits in the database: the delivery that starts a run (idempotency key and
// debounce, decided with the run's creation), and the admission of a run (singleton,
// concurrency, rate, debounce settling). Both take one transaction-scoped advisory lock per
// workflow, so two deliveries or two admissions of one workflow are decided one after the
// other, in any process; nothing is kept in memory.
import "server-only";
import { sql } from "drizzle-orm";
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from "@/lib/runs/status";
import type { Transaction } from "./client";
import { rowsOf } from "./history-sql";
import { queryDb as db } from "./index";
import { appendRunEvent } from "./run-queries";
import { type Run, runs } from "./schema";

const ACTIVE = sql.join(
  ACTIVE_STATUSES.map((status) => sql`${status}`),
  sql`, `,
);
const TERMINAL = sql.join(
  TERMINAL_STATUSES.map((status) => sql`${status}`),
  sql`, `,
);

async function lockWorkflow(tx: Transaction, workflowId: string) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`flowchat-limits:${workflowId}`}, 0))`,
  );
}

export type NewDeliveryRun = {
  id: string;
  workflowId: string;
  versionId: string;
  userId: string;
  threadId: string | null;
  trigger: unknown;
};

export type DeliveryOutcome =
  | { kind: "created"; run: Run }
  /** The key named a delivery already taken in the last 24 h: `runId` is the run it started. */
  | { kind: "duplicate"; runId: string }
  /** A debounced burst: the pending run now carries this delivery (and waits longer). */
  | { kind: "debounced"; runId: string; deliveries: number }
  /** Singleton "skip": `runId` (of the workflow) is going, so this delivery starts nothing. */
  | { kind: "skipped"; runId: string };

/**
 * Creates the run of one delivery, unless its key was taken in the last `windowMs` (the
 * duplicate answers with the run that key started) or a debounced run of the workflow is still
 * pending (it takes this delivery's trigger and settles `debounceMs` later). A repeated
 * delivery of the same run id (an app event retried) is that run again, not a duplicate.
 */
export async function createDeliveryRun({
  run,
  keyHash,
  windowMs,
  debounceMs,
  singletonSkip,
}: {
  run: NewDeliveryRun;
  keyHash?: string;
  windowMs: number;
  debounceMs?: number;
  /** Singleton "skip": a delivery while a run of the workflow is going creates nothing. */
  singletonSkip?: boolean;
}): Promise<DeliveryOutcome> {
  const outcome = await (await db())
    .transaction(async (tx): Promise<DeliveryOutcome> => {
      await lockWorkflow(tx, run.workflowId);
      const existing = rowsOf<Run>(await tx.execute(sql`select id from runs where id = ${run.id}`));
      if (existing.length > 0) return { kind: "created", run: await readRun(tx, run.id) };
      let target = run.id;
      if (debounceMs !== undefined) {
        const [pending] = rowsOf<{ run_id: string; deliveries: number }>(
          await tx.execute(sql`
          update workflow_debounces d
          set settles_at = now() + ${debounceMs} * interval '1 millisecond',
              deliveries = d.deliveries + 1
          from runs r
          where d.workflow_id = ${run.workflowId} and r.id = d.run_id
            and r.admitted_at is null and r.status not in (${TERMINAL})
          returning d.run_id, d.deliveries`),
        );
        if (pending) target = pending.run_id;
      }
      if (keyHash !== undefined) {
        const claimed = rowsOf<{ run_id: string }>(
          await tx.execute(sql`
          insert into workflow_delivery_keys (workflow_id, key_hash, run_id, claimed_at)
          values (${run.workflowId}, ${keyHash}, ${target}, now())
          on conflict (workflow_id, key_hash) do update
            set run_id = excluded.run_id, claimed_at = excluded.claimed_at
            where workflow_delivery_keys.claimed_at < now() - ${windowMs} * interval '1 millisecond'
          returning run_id`),
        );
        if (claimed.length === 0) {
          const [first] = rowsOf<{ run_id: string }>(
            await tx.execute(sql`
            select run_id from workflow_delivery_keys
            where workflow_id = ${run.workflowId} and key_hash = ${keyHash}`),
          );
          // The transaction's debounce push above is undone with it: a duplicate changes nothing.
          throw new DuplicateDelivery(first?.run_id ?? target);
        }
      }
      if (target === run.id && singletonSkip) {
        // The admission decides again (runs created meanwhile); this only spares the card.
        const [going] = rowsOf<{ id: string }>(
          await tx.execute(sql`
            select id from runs
            where workflow_id = ${run.workflowId} and admitted_at is not null
              and status in (${ACTIVE})
            order by admitted_at limit 1`),
        );
        if (going) throw new SkippedDelivery(going.id);
      }
      if (target !== run.id) {
        await tx.execute(
          sql`update runs set trigger = ${JSON.stringify(run.trigger)}::jsonb where id = ${target}`,
        );
        const [row] = rowsOf<{ deliveries: number }>(
          await tx.execute(
            sql`select deliveries from workflow_debounces where workflow_id = ${run.workflowId}`,
          ),
        );
        return { kind: "debounced", runId: target, deliveries: row?.deliveries ?? 2 };
      }
      await tx.insert(runs).values({
        id: run.id,
        workflowId: run.workflowId,
        versionId: run.versionId,
        userId: run.userId,
        threadId: run.threadId,
        trigger: run.trigger,
      });
      if (debounceMs !== undefined) {
        await tx.execute(sql`
        insert into workflow_debounces (workflow_id, run_id, settles_at, deliveries)
        values (${run.workflowId}, ${run.id}, now() + ${debounceMs} * interval '1 millisecond', 1)
        on conflict (workflow_id) do update
          set run_id = excluded.run_id, settles_at = excluded.settles_at, deliveries = 1`);
      }
      return { kind: "created", run: await readRun(tx, run.id) };
    })
    .catch((error) => {
      if (error instanceof DuplicateDelivery)
        return { kind: "duplicate", runId: error.runId } as const;
      if (error instanceof SkippedDelivery) return { kind: "skipped", runId: error.runId } as const;
      throw error;
    });
  if (outcome.kind === "created") {
    await appendRunEvent({
      runId: outcome.run.id,
      key: "run:queued",
      message: "Run queued",
      data: { status: "queued" },
    });
  } else if (outcome.kind === "debounced") {
    await appendRunEvent({
      runId: outcome.runId,
      key: `run:debounced:${outcome.deliveries}`,
      message: `Delivery ${outcome.deliveries} of the burst arrived; the run waits for it to settle`,
      data: { deliveries: outcome.deliveries },
    });
  }
  return outcome;
}

/** Rolls a duplicate's transaction back (its debounce push must not stay). */
class DuplicateDelivery extends Error {
  constructor(readonly runId: string) {
    super("duplicate delivery");
  }
}

/** Rolls a skipped delivery's transaction back (its key claim must not stay). */
class SkippedDelivery extends Error {
  constructor(readonly runId: string) {
    super("skipped delivery");
  }
}

async function readRun(tx: Transaction, runId: string): Promise<Run> {
  const [row] = await tx.select().from(runs).where(sql`${runs.id} = ${runId}`);
  return row;
}

export type AdmissionLimits = {
  concurrency?: number;
  rate?: { limit: number; periodMs: number };
  singleton?: "skip" | "replace";
  /** Whether the run may be a debounced one (its workflow_debounces row decides). */
  debounce?: boolean;
};

export type Admission =
  | {
      kind: "admitted";
      admittedAt: string;
      /** Runs a singleton "replace" ends (the caller cancels them). */
      replaced: string[];
      /** A debounced run: the last delivery's trigger, which replaced the one it was loaded with. */
      trigger?: unknown;
    }
  /** Not yet: wait until `until` (ISO), or until a run of the workflow ends when absent. */
  | { kind: "wait"; reason: "debounce" | "concurrency" | "rate"; until?: string }
  /** Singleton "skip": `blockingRunId` is going. */
  | { kind: "skip"; blockingRunId: string }
  /** The run ended meanwhile (cancelled while it waited). */
  | { kind: "ended"; status: string };

/**
 * Whether a run may go now under its workflow's limits, decided under the workflow's lock;
 * admitting sets `runs.admitted_at` (idempotent: an admitted run is admitted again).
 */
export async function admitRun({
  runId,
  workflowId,
  limits,
}: {
  runId: string;
  workflowId: string;
  limits: AdmissionLimits;
}): Promise<Admission> {
  const decided = await (await db()).transaction(async (tx): Promise<Admission> => {
    await lockWorkflow(tx, workflowId);
    const [run] = rowsOf<{ status: string; admitted_at: string | Date | null; trigger: unknown }>(
      await tx.execute(sql`select status, admitted_at, trigger from runs where id = ${runId}`),
    );
    if (!run) return { kind: "ended", status: "missing" };
    if (run.admitted_at) {
      return { kind: "admitted", admittedAt: iso(run.admitted_at), replaced: [] };
    }
    if ((TERMINAL_STATUSES as readonly string[]).includes(run.status)) {
      return { kind: "ended", status: run.status };
    }
    let debounced = false;
    if (limits.debounce) {
      const [pending] = rowsOf<{ run_id: string; settles_at: string | Date; due: boolean }>(
        await tx.execute(sql`
          select run_id, settles_at, settles_at <= now() as due
          from workflow_debounces where workflow_id = ${workflowId} and run_id = ${runId}`),
      );
      if (pending && !pending.due) {
        return { kind: "wait", reason: "debounce", until: iso(pending.settles_at) };
      }
      if (pending) {
        await tx.execute(sql`delete from workflow_debounces where workflow_id = ${workflowId}`);
        debounced = true;
      }
    }
    const active = rowsOf<{ id: string }>(
      await tx.execute(sql`
        select id from runs
        where workflow_id = ${workflowId} and admitted_at is not null
          and status in (${ACTIVE}) and id <> ${runId}
        order by admitted_at`),
    ).map((row) => row.id);
    if (limits.singleton === "skip" && active.length > 0) {
      return { kind: "skip", blockingRunId: active[0] };
    }
    const limit = limits.singleton === "replace" ? undefined : limits.concurrency;
    if (limit !== undefined && active.length >= limit) {
      return { kind: "wait", reason: "concurrency" };
    }
    if (limits.rate) {
      const [window] = rowsOf<{ taken: number; oldest: string | Date | null }>(
        await tx.execute(sql`
          select count(*)::int as taken, min(admitted_at) as oldest from runs
          where workflow_id = ${workflowId}
            and admitted_at > now() - ${limits.rate.periodMs} * interval '1 millisecond'`),
      );
      if (window && window.taken >= limits.rate.limit && window.oldest) {
        const until = new Date(new Date(window.oldest).getTime() + limits.rate.periodMs);
        return { kind: "wait", reason: "rate", until: until.toISOString() };
      }
    }
    const [admitted] = rowsOf<{ admitted_at: string | Date }>(
      await tx.execute(
        sql`update runs
            set admitted_at = now(),
                status = case when status = 'waiting' then 'running' else status end
            where id = ${runId} returning admitted_at`,
      ),
    );
    return {
      kind: "admitted",
      admittedAt: iso(admitted.admitted_at),
      replaced: limits.singleton === "replace" ? active : [],
      ...(debounced ? { trigger: run.trigger } : {}),
    };
  });
  if (decided.kind === "wait") {
    // The card says the run waits (its turn, a burst settling) until it is let go.
    await (await db()).execute(
      sql`update runs set status = 'waiting' where id = ${runId} and status = 'running'`,
    );
  }
  return decided;
}

function iso(value: string | Date): string {
  return new Date(value).toISOString();
}

/** Forgets delivery keys claimed longer ago than the window (the daily prune). */
export async function pruneDeliveryKeys({ windowMs }: { windowMs: number }): Promise<number> {
  const removed = rowsOf(
    await (await db()).execute(sql`
      delete from workflow_delivery_keys
      where claimed_at < now() - ${windowMs} * interval '1 millisecond'
      returning 1`),
  );
  return removed.length;
}
