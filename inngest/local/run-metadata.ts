// Run metadata, as Inngest keeps it: `score()`, `metadata.update()` and the SDK's AI usage
// attach `{ kind, scope, values }` to a run or to one of its steps, either on the op of the
// step that produced them (`op.metadata`) or through `POST /v1/runs/:id/metadata` (a target
// of `{ run_id, step_id?, step_index?, step_attempt?, span_id? }`). Updates of the same kind
// on the same target merge their values; the GraphQL trace shows them as `metadata` on the
// run's root span and on each step's span.
import { createHash } from "node:crypto";
import type { MetadataUpdate, Op } from "./protocol/ops";
import { type MetadataEntry, mergeRunMetadata } from "./sql/merge-run-metadata";
import type { Queryable } from "./sql-client";

/** A metadata update the executor refuses (answered 400 with the reason). */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetadataError";
  }
}

const KIND = /^(inngest\.[a-z_]+|userland\.[^\s]{1,128})$/;
const MAX_VALUES_BYTES = 64 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/** One update checked: a known kind, an object of values of bounded size. */
function checkedUpdate(update: unknown): { kind: string; values: Record<string, unknown> } {
  if (!isRecord(update)) throw new MetadataError("Every metadata update must be an object");
  const { kind, op, values } = update;
  if (typeof kind !== "string" || !KIND.test(kind)) {
    throw new MetadataError(`Unknown metadata kind ${JSON.stringify(kind)}`);
  }
  if (op !== undefined && op !== "merge") {
    throw new MetadataError(`Unknown metadata op ${JSON.stringify(op)} (only "merge")`);
  }
  if (!isRecord(values)) throw new MetadataError("Metadata values must be an object");
  if (Buffer.byteLength(JSON.stringify(values)) > MAX_VALUES_BYTES) {
    throw new MetadataError(`Metadata values are limited to ${MAX_VALUES_BYTES} bytes`);
  }
  return { kind, values };
}

/** The hashed id of the `index`th step with this id (the SDK's `id`, `id:1`, `id:2`…). */
export function stepHash(stepId: string, index = 0): string {
  const id = index > 0 ? `${stepId}:${index}` : stepId;
  return createHash("sha1").update(id).digest("hex");
}

/**
 * The entries of a `POST /v1/runs/:id/metadata` body. The target names the run, a step by its
 * own id (and index, for a repeated id) or a span of that step.
 */
export function entriesOfRequest(runId: string, body: unknown): MetadataEntry[] {
  if (!isRecord(body)) throw new MetadataError("Expected an object");
  const { target, metadata } = body;
  if (!isRecord(target) || target.run_id !== runId) {
    throw new MetadataError("The target's run_id must be the run of the path");
  }
  if (!Array.isArray(metadata) || metadata.length === 0 || metadata.length > 20) {
    throw new MetadataError("metadata must list 1 to 20 updates");
  }
  let step = "";
  let scope = "run";
  if (target.step_id !== undefined && target.step_id !== null) {
    const index = target.step_index ?? 0;
    if (typeof target.step_id !== "string" || !target.step_id) {
      throw new MetadataError("target.step_id must be a non-empty string");
    }
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) {
      throw new MetadataError("target.step_index must be a non-negative integer");
    }
    step = stepHash(target.step_id, index);
    scope = target.span_id === undefined || target.span_id === null ? "step" : "extended_trace";
  }
  return metadata.map((update) => ({ step, scope, ...checkedUpdate(update) }));
}

/**
 * List prices in USD per million tokens (input, output) of a few well-known models, by name as
 * providers report it (a dated snapshot, `gpt-4o-2024-08-06`, is priced as its model).
 */
const MODEL_PRICES: Record<string, [input: number, output: number]> = {
  "gpt-4o": [2.5, 10],
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4.1": [2, 8],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1-nano": [0.1, 0.4],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
  "gpt-5-nano": [0.05, 0.4],
  "claude-3-5-haiku": [0.8, 4],
  "claude-sonnet-4": [3, 15],
  "claude-opus-4": [15, 75],
};

function priceOf(model: unknown): [number, number] | undefined {
  if (typeof model !== "string") return undefined;
  const exact = MODEL_PRICES[model];
  if (exact) return exact;
  const snapshot = /^(.*)-\d{4}-?\d{2}-?\d{2}$/.exec(model)?.[1];
  return snapshot ? MODEL_PRICES[snapshot] : undefined;
}

/**
 * The SDK's AI usage (`inngest.ai`: models and token counts) with the `estimated_cost` Inngest
 * adds, in USD from the list prices above; 0 for a model this executor has no price for (the
 * field is always there, as readers of Inngest's metadata expect).
 */
export function withEstimatedCost(values: Record<string, unknown>): Record<string, unknown> {
  if (values.estimated_cost !== undefined) return values;
  const input = Number(values.input_tokens ?? 0);
  const output = Number(values.output_tokens ?? 0);
  const price = priceOf(values.response_model) ?? priceOf(values.request_model);
  const cost =
    price && Number.isFinite(input) && Number.isFinite(output)
      ? (input * price[0] + output * price[1]) / 1_000_000
      : 0;
  return { ...values, estimated_cost: cost };
}

/**
 * The entries an op carries: scope "run" goes to the run, any other to the op's step. A
 * malformed update is dropped (it must never fail the step that carried it).
 */
export function entriesOfOp(op: Op): MetadataEntry[] {
  const updates: MetadataUpdate[] = Array.isArray(op.metadata) ? op.metadata : [];
  const entries: MetadataEntry[] = [];
  for (const update of updates) {
    try {
      const { kind, values } = checkedUpdate(update);
      const scope = typeof update.scope === "string" ? update.scope : "step";
      entries.push({
        step: scope === "run" ? "" : op.id,
        scope,
        kind,
        values: kind === "inngest.ai" ? withEstimatedCost(values) : values,
      });
    } catch {
      // Dropped: see above.
    }
  }
  return entries;
}

/** Stores an op's metadata with its run (inside the transaction applying the op). */
export async function storeOpMetadata(q: Queryable, runId: string, op: Op): Promise<void> {
  for (const entry of entriesOfOp(op)) await mergeRunMetadata(q, runId, entry);
}

/**
 * `POST /v1/runs/:id/metadata`: checks the whole body first, then merges each update (each
 * one atomic). Scores often arrive after the run ended (a scorer run, `client.score()` from
 * outside): an ended run still takes them.
 */
export async function applyMetadataRequest(
  q: Queryable,
  runId: string,
  body: unknown,
): Promise<"stored" | "no-run" | "full"> {
  const entries = entriesOfRequest(runId, body);
  for (const entry of entries) {
    const result = await mergeRunMetadata(q, runId, entry);
    if (result !== "stored") return result;
  }
  return "stored";
}
