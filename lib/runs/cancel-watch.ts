// How a unit executing in this process learns that its run was cancelled, whichever process
// cancelled it: each unit in flight registers here by run id; the process's one LISTEN on
// run_cancelled (the cancel's transaction notifies it with the run id; the run's other
// writes notify run_events only, so a busy run costs its watchers no reads) wakes the
// run's watchers, which read the run's status (one read at a time per run) and abort
// every unit of a cancelled run. The database is the only channel: a cancel needs nothing
// from the process that runs the step. A slow poll backs the notification up (a LISTEN
// connection that was re-established may have missed one).
import "server-only";
import { RunCancelledError } from "@/lib/actions/runtime/errors";
import { getRunById, RUN_CANCELLED_CHANNEL } from "@/lib/db/run-queries";
import { logError } from "@/lib/log";
import { subscribe } from "./live-bus";

/** How often a watched run's status is read without a notification (tests lengthen it). */
export const cancelWatchSettings = { pollMs: 5_000 };

export type CancelWatch = {
  /** Aborted (reason: `RunCancelledError`) once the run is cancelled. */
  signal: AbortSignal;
  /** The unit is done: stop watching for it. */
  stop(): void;
};

type Watched = {
  controllers: Set<AbortController>;
  unsubscribe: Promise<(() => void) | undefined>;
  poll: NodeJS.Timeout;
  /** The status read under way, and whether another notification came during it. */
  reading?: Promise<void>;
  again: boolean;
};

const globalForWatch = globalThis as unknown as {
  flowchatCancelWatch?: Map<string, Watched>;
};

function watchedRuns(): Map<string, Watched> {
  globalForWatch.flowchatCancelWatch ??= new Map();
  return globalForWatch.flowchatCancelWatch;
}

function abortAll(runId: string) {
  const watched = watchedRuns().get(runId);
  if (!watched) return;
  const reason = new RunCancelledError();
  for (const controller of watched.controllers) controller.abort(reason);
}

async function check(runId: string) {
  const run = await getRunById({ runId });
  // A run past its time limit (run-limits.ts) ends failed and stops its units like a cancel.
  const timedOut = (run?.error as { timedOut?: boolean } | null)?.timedOut === true;
  if (run?.status === "cancelled" || (run?.status === "failed" && timedOut)) abortAll(runId);
}

/**
 * Reads the run's status for every unit of it here at once; notifications that arrive during
 * a read cause one more read after it, not one each (a busy run notifies often).
 */
function checkInBackground(runId: string) {
  const watched = watchedRuns().get(runId);
  if (!watched) return;
  if (watched.reading) {
    watched.again = true;
    return;
  }
  watched.reading = (async () => {
    do {
      watched.again = false;
      await check(runId);
    } while (watched.again && watchedRuns().get(runId) === watched);
  })()
    .catch((error) => logError("[runs] could not read a watched run's status", error))
    .finally(() => {
      watched.reading = undefined;
    });
}

/**
 * Watches `runId` for a cancel while a unit of it executes here. Resolves once the watch is
 * in place and the run's status was read after it: a run already cancelled comes back with
 * its signal aborted, so the unit never starts its action. With `readStatus: false` the
 * caller reads the status itself after this resolves (the task unit's first record does,
 * in the statement that writes it), which closes the same gap.
 */
export async function watchRunCancel(
  runId: string,
  { readStatus = true }: { readStatus?: boolean } = {},
): Promise<CancelWatch> {
  const runs = watchedRuns();
  const controller = new AbortController();
  let watched = runs.get(runId);
  if (!watched) {
    const created: Watched = {
      controllers: new Set(),
      unsubscribe: subscribe(RUN_CANCELLED_CHANNEL, runId, () => checkInBackground(runId)).catch(
        (error) => {
          // Without the notification the poll still ends the unit, only later.
          logError("[runs] could not listen for a run's cancel", error);
          return undefined;
        },
      ),
      poll: setInterval(() => checkInBackground(runId), cancelWatchSettings.pollMs),
      again: false,
    };
    created.poll.unref?.();
    runs.set(runId, created);
    watched = created;
  }
  watched.controllers.add(controller);
  const entry = watched;
  const stop = () => {
    if (!entry.controllers.delete(controller) || entry.controllers.size > 0) return;
    clearInterval(entry.poll);
    if (runs.get(runId) === entry) runs.delete(runId);
    entry.unsubscribe.then((unsubscribe) => unsubscribe?.());
  };
  try {
    await entry.unsubscribe;
    // Read after the LISTEN is in place: a cancel committed before it is seen here, one
    // committed after it is notified.
    if (readStatus) await check(runId);
  } catch (error) {
    stop();
    throw error;
  }
  return { signal: controller.signal, stop };
}

/** Runs with a unit in flight in this process (tests check nothing is left behind). */
export function watchedRunCount(): number {
  return watchedRuns().size;
}
