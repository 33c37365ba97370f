// The size limits of what people and outside systems hand the app, one per kind of input, in
// one place (README: "Limits"). Request bodies as a whole are capped by MAX_REQUEST_BYTES
// (lib/env.ts, 1 MB by default) before any of these apply.

/** A plan as JSON: what the planner, the editor, the routes and the CLI accept. */
export { MAX_PLAN_BYTES } from "@/lib/plan/schema";
/** A run's manual inputs as JSON. */
export const MAX_RUN_INPUT_BYTES = 64 * 1024;
/** A chat request (the person's message and its envelope) as JSON. */
export const MAX_CHAT_REQUEST_BYTES = 64 * 1024;

/** The size of a value as the JSON that would be stored. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? "null");
}
