// bulkRuns: "re-run all of last night's failed runs", "cancel everything the digest has queued".
// With `dryRun` it only counts (no confirmation). Otherwise the person always confirms on a card
// that shows how many runs it takes (run-confirmations.ts), then a durable job works through
// them (lib/runs/bulk.ts) and the chat shows one progress bar, not a card per run.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logError } from "@/lib/log";
import {
  BULK_KINDS,
  bulkFilterSchema,
  countBulk,
  createBulkAction,
  RERUN_VERSIONS,
} from "@/lib/runs/bulk";
import type { BulkToolOutput } from "./run-tool-types";
import { toolInput } from "./tool-schema";

export const bulkRunsInput = z.object({
  action: z.enum(BULK_KINDS),
  filter: bulkFilterSchema,
  dryRun: z.boolean().optional(),
  from: z.string().min(1).max(64).optional(),
  version: z.enum(RERUN_VERSIONS).optional(),
});

export function bulkRunsTool({ userId }: { userId: string }) {
  return tool({
    description:
      "Cancel or re-run every run of the person's that matches a filter: workflowId, status (cancel: queued/running/waiting, default all three; rerun: failed/cancelled/succeeded, default failed), " +
      "from/to (ISO 8601 with offset, on when the run was created: for 'last night' use the person's evening to morning), failedStep (a step id). " +
      "Call it with dryRun: true to say how many runs match. Without dryRun the person confirms on a card showing the count; the progress shows in the chat. " +
      'A re-run starts from "failed" (default), "start" or a step id, on the "pinned" (default) or "latest" version.',
    ...toolInput(bulkRunsInput, { strict: true }),
    execute: async ({ action, filter, dryRun, from, version }): Promise<BulkToolOutput> => {
      try {
        if (dryRun)
          return {
            ok: true,
            dryRun: true,
            count: await countBulk({ userId, kind: action, filter }),
          };
        const created = await createBulkAction({
          userId,
          kind: action,
          filter,
          options:
            action === "rerun"
              ? { from: from ?? "failed", version: version ?? "pinned" }
              : undefined,
        });
        return { ok: true, bulkActionId: created.id, kind: created.kind, total: created.total };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.message };
        logError("[chat] bulkRuns failed", error);
        return { ok: false, error: "That did not work because of a server error." };
      }
    },
  });
}
