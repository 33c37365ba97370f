// Re-sends a stored wait signal until its wait takes it. `step.waitForEvent` only sees events
// sent after it registers; a signal sent in the moment between the wait's `arm` step (which
// reads early signals) and the registration would be missed. The signal is in wait_signals,
// so this relay sends the resume event again a few times while the wait is armed and has not
// taken it. Extra events are harmless: a wait takes one, the rest match nothing.
import "server-only";
import type { Inngest } from "inngest";
import { getWaitSignal } from "@/lib/db/run-queries";
import { waitResumed, waitSignaled } from "../client";
import { functionMiddleware } from "../middleware/safe-errors";

export const RELAY_DELAYS = ["1s", "3s", "10s", "30s", "2m"] as const;

export function createRelayWaitSignal({ client }: { client: Inngest.Any }) {
  return client.createFunction(
    {
      id: "relay-wait-signal",
      name: "Relay wait signal",
      triggers: [waitSignaled],
      middleware: functionMiddleware,
    },
    async ({ event, step }) => {
      const { runId, stepId } = event.data as { runId: string; stepId: string };
      for (const [i, delay] of RELAY_DELAYS.entries()) {
        await step.sleep(`settle-${i}`, delay);
        const state = await step.run(`check-${i}`, () => getWaitSignal({ runId, stepId }));
        // Not armed yet: the wait's arm step will read the stored signal itself.
        if (state.consumed || !state.armed) return { resent: i };
        await step.sendEvent(
          `resend-${i}`,
          waitResumed.create({ runId, stepId, payload: state.payload }),
        );
      }
      return { resent: RELAY_DELAYS.length };
    },
  );
}
