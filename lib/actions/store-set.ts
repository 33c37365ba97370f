import { z } from "zod";
import { parseDuration } from "@/lib/plan/duration";
import { defineAction, withRun, withSimulation } from "./define-action";
import { NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { STORE_VALUE_MAX_BYTES, storeKey } from "./runtime/store-limits";
import { durationString } from "./shared-schemas";

const runStoreSet = withRun(
  defineAction({
    id: "store.set",
    title: "Save to the workflow's store",
    description: "Save a value for later runs of this workflow, optionally expiring after ttl.",
    kind: "task",
    sideEffects: true,
    input: z.strictObject({
      key: z.string().min(1),
      value: z.unknown(),
      ttl: durationString.optional(),
    }),
    output: z.object({ ok: z.boolean() }),
    describe: (input) => `save "${String(input.key ?? "")}" to the store`,
    effect: () => ({ class: "writes", kind: "store", does: "writes to the store" }),
    example: { key: "seen-ids", value: "{{ steps.fetch.output.body.id }}" },
  }),
  async (input, context) => {
    const store = requireService(context, "store", "store.set");
    const { key, json } = checkedEntry(input);
    const ttlMs = input.ttl ? parseDuration(input.ttl) : undefined;
    await store.set(key, JSON.parse(json), {
      expiresAt: ttlMs === undefined ? undefined : new Date(Date.now() + ttlMs),
    });
    return { ok: true };
  },
);

/** The key and the value as JSON, within the store's limits (the same for a test). */
function checkedEntry(input: { key: string; value?: unknown }) {
  const key = storeKey(input.key);
  const json = JSON.stringify(input.value ?? null);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > STORE_VALUE_MAX_BYTES) {
    throw new NonRetriableActionError(
      `store.set: the value for "${key}" is ${Math.ceil(bytes / 1024)} KB; values are limited to ${STORE_VALUE_MAX_BYTES / 1024} KB`,
      { code: "limit" },
    );
  }
  return { key, json };
}

/** A test run's save: the key and value it would write; the store is left as it is. */
export const storeSet = withSimulation(runStoreSet, async (input) => {
  const { key, json } = checkedEntry(input);
  return {
    wouldSend: {
      kind: "store",
      summary: `save "${key}" to the store${input.ttl ? ` for ${input.ttl}` : ""}`,
      key,
      payload: JSON.parse(json),
      ...(input.ttl ? { ttl: input.ttl } : {}),
    },
    output: { ok: true },
  };
});
