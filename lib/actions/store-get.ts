import { z } from "zod";
import { defineAction, withRun } from "./define-action";
import { requireService } from "./runtime/services";
import { storeKey } from "./runtime/store-limits";

export const storeGet = withRun(
  defineAction({
    id: "store.get",
    title: "Read from the workflow's store",
    description: "Read a value this workflow saved in an earlier run (state across runs).",
    kind: "task",
    sideEffects: false,
    input: z.strictObject({ key: z.string().min(1), default: z.unknown().optional() }),
    output: z.object({ value: z.unknown(), found: z.boolean() }),
    describe: (input) => `read "${String(input.key ?? "")}" from the store`,
    example: { key: "seen-ids", default: [] },
  }),
  async (input, context) => {
    const store = requireService(context, "store", "store.get");
    const found = await store.get(storeKey(input.key));
    return found.found
      ? { value: found.value, found: true }
      : { value: input.default ?? null, found: false };
  },
);
