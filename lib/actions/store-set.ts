import { z } from "zod";
import { parseDuration } from "@/lib/plan/duration";
import { defineAction, withRun } from "./define-action";
import { NonRetriableActionError } from "./runtime/errors";
import { requireService } from "./runtime/services";
import { STORE_VALUE_MAX_BYTES, storeKey } from "./runtime/store-limits";
import { durationString } from "./shared-schemas";

export const storeSet = withRun(
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
    example: { key: "seen-ids", value: "{{ steps.fetch.output.body.id }}" },
  }),
  async (input, context) => {
    const store = requireService(context, "store", "store.set");
    const key = storeKey(input.key);
    const value = input.value ?? null;
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes > STORE_VALUE_MAX_BYTES) {
      throw new NonRetriableActionError(
        `store.set: the value for "${key}" is ${Math.ceil(bytes / 1024)} KB; values are limited to ${STORE_VALUE_MAX_BYTES / 1024} KB`,
        { code: "limit" },
      );
    }
    const ttlMs = input.ttl ? parseDuration(input.ttl) : undefined;
    await store.set(key, JSON.parse(json), {
      expiresAt: ttlMs === undefined ? undefined : new Date(Date.now() + ttlMs),
    });
    return { ok: true };
  },
);
