import { z } from "zod";
import { defineAction } from "./define-action";

export const storeGet = defineAction({
  id: "store.get",
  title: "Read from the workflow's store",
  description: "Read a value this workflow saved in an earlier run (state across runs).",
  kind: "task",
  sideEffects: false,
  input: z.strictObject({ key: z.string().min(1), default: z.unknown().optional() }),
  output: z.object({ value: z.unknown(), found: z.boolean() }),
  describe: (input) => `read "${String(input.key ?? "")}" from the store`,
  example: { key: "seen-ids", default: [] },
});
