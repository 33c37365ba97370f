// Inngest's flow control between a matched trigger and a new run, inside the matching
// transaction: the gates that drop an event (idempotency, rateLimit), the ones that hold
// it (batchEvents, debounce), then the run start (singleton, throttle). Every state lives in tables
// (engine.flow_limits, engine.batches, engine.debounces, the runs' singleton index), so a crash loses
// nothing: the transaction either commits the decision with its effects or neither.
// A function that declares none of these goes straight to createRun.
import { evaluateExpression, matchesExpression } from "./expressions";
import type { FunctionDef } from "./interfaces";
import { cancelRun, createRun, type LifecycleContext } from "./run-lifecycle";
import { activeSingletonRun } from "./sql/active-singleton-run";
import { appendToBatch } from "./sql/append-to-batch";
import { admitGcra } from "./sql/gcra-admit";
import { scheduleGcra } from "./sql/gcra-schedule";
import { loadEvents } from "./sql/load-events";
import { lockRun } from "./sql/lock-run";
import { takeBatch } from "./sql/take-batch";
import { upsertDebounce } from "./sql/upsert-debounce";
import type { Queryable } from "./sql-client";

type TriggerEvent = { id: string; name?: string; payload: Record<string, unknown> };

const DAY_MS = 86_400_000;

/** A function's key for an option: its id, plus the CEL key's value when it has one. */
function keyOf(fn: FunctionDef, expression: string | undefined, event: Record<string, unknown>) {
  if (!expression) return fn.id;
  return `${fn.id}:${JSON.stringify(evaluateExpression(expression, { event }) ?? null)}`;
}

function skipped(ctx: LifecycleContext, fn: FunctionDef, event: TriggerEvent, why: string) {
  ctx.afterCommit(() =>
    ctx.logger.info(`event ${event.id} started no run of ${fn.id}: ${why}`, {
      function: fn.id,
      event: event.payload.name,
    }),
  );
}

/** A trigger of `fn` matched `event`: start its run, or what its flow control says. */
export async function triggerRun(
  q: Queryable,
  ctx: LifecycleContext,
  fn: FunctionDef,
  event: TriggerEvent,
): Promise<void> {
  const flow = fn.flow;
  if (!flow) {
    await createRun(q, ctx, fn, event);
    return;
  }
  const data = event.payload;
  if (flow.idempotency) {
    // Inngest's idempotency is a rate limit of one per key per 24 hours.
    const key = `idempotency:${keyOf(fn, flow.idempotency, data)}`;
    if (!(await admitGcra(q, key, DAY_MS, 0))) {
      skipped(ctx, fn, event, "idempotency key already used in the last 24 h");
      return;
    }
  }
  if (flow.rateLimit) {
    const { limit, periodMs, key } = flow.rateLimit;
    const emission = periodMs / limit;
    if (!(await admitGcra(q, `rate:${keyOf(fn, key, data)}`, emission, emission * (limit - 1)))) {
      skipped(ctx, fn, event, `rate limit of ${limit} per ${periodMs} ms reached`);
      return;
    }
  }
  // Events the batch's `if` leaves out run on their own, as a batch of one.
  if (flow.batch && matchesExpression(flow.batch.if, { event: data })) {
    const key = keyOf(fn, flow.batch.key, data);
    const size = await appendToBatch(q, {
      key,
      functionId: fn.id,
      eventId: event.id,
      timeoutMs: flow.batch.timeoutMs,
    });
    if (size >= flow.batch.maxSize) await startBatchRun(q, ctx, fn, await takeBatch(q, key));
    return;
  }
  if (flow.debounce) {
    const { periodMs, timeoutMs, key } = flow.debounce;
    await upsertDebounce(q, {
      key: keyOf(fn, key, data),
      functionId: fn.id,
      eventId: event.id,
      periodMs,
      timeoutMs,
    });
    return;
  }
  await startRun(q, ctx, fn, event);
}

/** Starts the run of a closed batch: `event` is its first event, `events` all of them. */
export async function startBatchRun(
  q: Queryable,
  ctx: LifecycleContext,
  fn: FunctionDef,
  eventIds: string[],
): Promise<string | undefined> {
  const events = await loadEvents(q, eventIds);
  if (!events.length) return undefined;
  return startRun(
    q,
    ctx,
    fn,
    events[0],
    events.map((e) => e.payload),
  );
}

/**
 * Starts a run past the event gates (and a debounce, which calls this when it fires):
 * `singleton` decides whether it may, `throttle` when its first call is due.
 */
export async function startRun(
  q: Queryable,
  ctx: LifecycleContext,
  fn: FunctionDef,
  event: TriggerEvent,
  /** A batch's events (`event` is the first). */
  events?: Record<string, unknown>[],
): Promise<string | undefined> {
  const flow = fn.flow;
  const singleton = flow?.singleton;
  const singletonKey = singleton && keyOf(fn, singleton.key, event.payload);
  if (singleton?.mode === "skip" && singletonKey && (await activeSingletonRun(q, singletonKey))) {
    skipped(ctx, fn, event, "a run with the same singleton key is active");
    return undefined;
  }
  let runAt: number | undefined;
  if (flow?.throttle) {
    const { limit, periodMs, burst, key } = flow.throttle;
    const emission = periodMs / limit;
    // limit + burst runs start at once, then one per period / limit (Inngest's GCRA).
    runAt = await scheduleGcra(
      q,
      `throttle:${keyOf(fn, key, event.payload)}`,
      emission,
      emission * (limit + burst - 1),
    );
  }
  if (!singletonKey) return createRun(q, ctx, fn, event, undefined, { runAt, events });
  // The active run's key is released when it ends; the unique index settles races with
  // concurrent triggers (the insert yields), so cancel mode tries again a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (singleton?.mode === "cancel") {
      const active = await activeSingletonRun(q, singletonKey);
      const locked = active ? await lockRun(q, active) : undefined;
      if (locked && (locked.status === "queued" || locked.status === "running")) {
        await cancelRun(q, ctx, locked, `Replaced by a newer run (singleton, event ${event.id})`);
      }
    }
    const runId = await createRun(q, ctx, fn, event, undefined, { runAt, singletonKey, events });
    if (runId || singleton?.mode === "skip") {
      if (!runId) skipped(ctx, fn, event, "a run with the same singleton key is active");
      return runId;
    }
  }
  skipped(ctx, fn, event, "the singleton key stayed taken by concurrent runs");
  return undefined;
}
