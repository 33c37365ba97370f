import { z } from "zod";
import { defineAction, withRun } from "./define-action";

// The interpreter resolves `{{ }}` bindings in every input before `run` (the same
// resolveBindings the validator checked), so by now `value` is the computed value: a
// whole-value binding keeps lists and objects, an interpolated string stays text.
export const transform = withRun(
  defineAction({
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
  }),
  // A binding that yields nothing is dropped from the input; the output is then null.
  async (input) => input.value ?? null,
);
