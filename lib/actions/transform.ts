import { z } from "zod";
import { defineAction } from "./define-action";

export const transform = defineAction({
  id: "transform",
  title: "Transform data",
  description:
    'Compute a value from earlier outputs; output is value with its bindings resolved. Use "{{ expr }}" as the whole value to keep lists and objects.',
  kind: "task",
  sideEffects: false,
  input: z.strictObject({ value: z.unknown() }),
  output: z.unknown(),
  describe: () => "compute a value",
  example: { value: "{{ [steps.fetch.output.body[severity = 'sev-1']] }}" },
});
