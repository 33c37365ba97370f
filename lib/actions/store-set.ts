import { z } from "zod";
import { defineAction } from "./define-action";
import { durationString } from "./shared-schemas";

export const storeSet = defineAction({
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
});
