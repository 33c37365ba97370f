// A delivery (a webhook call, an app event) starting a run of a workflow whose trigger has an
// idempotency key or whose limits debounce: the key is resolved against the delivery and
// claimed with the run's creation (a repeated delivery within 24 h starts nothing and answers
// with the run the first one started), and a burst of deliveries becomes one pending run that
// carries the last one (lib/db/limit-queries.ts); a singleton "skip" workflow's delivery while
// a run is going starts nothing. Only a created run gets a card and an engine event; a
// duplicate, debounced or skipped delivery shows in the caller's answer (and a debounced one in
// the pending run's log).
import "server-only";
import { createHash } from "node:crypto";
import { inngest as appClient } from "@/inngest/client";
import { createDeliveryRun, type NewDeliveryRun } from "@/lib/db/limit-queries";
import type { Run } from "@/lib/db/schema";
import { logError } from "@/lib/log";
import { idempotencyKeyOf, resolveDeliveryKey, runLimitsOf } from "@/lib/plan/limits";
import { IDEMPOTENCY_WINDOW_MS, type Plan, planTimeZone } from "@/lib/plan/schema";
import { requestRun } from "./start-run";
import { postRunCard } from "./thread-messages";

type Sender = Pick<typeof appClient, "send">;

/** What a delivery's plan asks of it (kept small: event triggers memoize it). */
export type DeliveryRules = {
  idempotencyKey?: string;
  debounceMs?: number;
  timeZone?: string;
  /** Singleton "skip": a delivery while a run is going starts nothing (no card). */
  singletonSkip?: boolean;
};

export function deliveryRulesOf(plan: Plan): DeliveryRules {
  const rules: DeliveryRules = {};
  const key = idempotencyKeyOf(plan.trigger);
  if (key) rules.idempotencyKey = key;
  const { debounceMs, singleton } = runLimitsOf(plan);
  if (debounceMs) rules.debounceMs = debounceMs;
  if (singleton === "skip") rules.singletonSkip = true;
  if (key) rules.timeZone = planTimeZone(plan);
  return rules;
}

export type DeliveryResult =
  | { kind: "created"; runId: string; run: Run }
  | { kind: "duplicate"; runId: string }
  | { kind: "debounced"; runId: string }
  | { kind: "skipped"; runId: string };

/**
 * Creates the delivery's run (or finds it a duplicate, or folds it into the pending debounced
 * run); a created run gets its card and is handed to the engine.
 */
export async function startDelivery({
  run,
  rules,
  title,
  depth = 0,
  client = appClient,
}: {
  run: NewDeliveryRun;
  rules: DeliveryRules;
  title: string;
  depth?: number;
  client?: Sender;
}): Promise<DeliveryResult> {
  let keyHash: string | undefined;
  if (rules.idempotencyKey) {
    const key = await resolveDeliveryKey(rules.idempotencyKey, run.trigger, {
      now: new Date().toISOString(),
      timeZone: rules.timeZone ?? "UTC",
    });
    // A delivery its key names nothing in cannot be told from others: it runs unchecked.
    if (key !== undefined) keyHash = createHash("sha256").update(key).digest("hex");
  }
  const outcome = await createDeliveryRun({
    run,
    keyHash,
    windowMs: IDEMPOTENCY_WINDOW_MS,
    debounceMs: rules.debounceMs,
    singletonSkip: rules.singletonSkip,
  });
  if (outcome.kind !== "created") return outcome;
  const created = outcome.run;
  // The start before the card: an engine that does not take it fails the run record with the
  // reason and answers 503 (requestRun), so no delivery leaves a run `queued` for good, nor a
  // card for a run that never starts. (The start may go over HTTP to Inngest Cloud, so the
  // record and the start cannot share one transaction in every mode; the sender may retry.)
  await requestRun({ run: created, client, depth });
  if (created.status === "queued") {
    await postRunCard({ run: created, title }).catch((error) =>
      logError("[runs] could not post the run card", error),
    );
  }
  return { kind: "created", runId: created.id, run: created };
}
