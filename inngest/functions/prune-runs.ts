// Daily: count any ended run the rollups miss, then prune runs past their retention
// (lib/runs/retention.ts), 20 batches of 1,000 runs per step until none is left. The cutoffs
// are fixed by the first step, so a replay prunes against the same times. Then forgets the
// delivery keys past their 24 h window (`forget-delivery-keys`, lib/runs/deliveries.ts).
import "server-only";
import type { Inngest } from "inngest";
import { pruneDeliveryKeys } from "@/lib/db/limit-queries";
import { rollUpAllPendingRuns } from "@/lib/db/rollup-queries";
import { IDEMPOTENCY_WINDOW_MS } from "@/lib/plan/schema";
import { pruneOldRuns, retentionCutoffs } from "@/lib/runs/retention";
import { functionMiddleware } from "../middleware/safe-errors";

/** A day's pruning stops after this many steps; the next day goes on. */
const MAX_PRUNE_STEPS = 200;

export function createPruneRuns({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: "prune-runs",
      name: "Prune old runs",
      triggers: [{ cron: "17 3 * * *" }],
      middleware: functionMiddleware,
    },
    async ({ event, step }) => {
      const cutoffs = await step.run("cutoffs", () =>
        retentionCutoffs(new Date(event.ts ?? Date.now())),
      );
      const rolledUp = await step.run("roll-up", () => rollUpAllPendingRuns());
      let deleted = 0;
      for (let n = 0; n < MAX_PRUNE_STEPS; n++) {
        const pass = await step.run(`prune-${n}`, () => pruneOldRuns({ cutoffs }));
        deleted += pass.deleted;
        if (!pass.more) break;
      }
      const forgotten = await step.run("forget-delivery-keys", () =>
        pruneDeliveryKeys({ windowMs: IDEMPOTENCY_WINDOW_MS }),
      );
      return { rolledUp, deleted, forgotten, ...cutoffs };
    },
  );
}
