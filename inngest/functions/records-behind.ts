// Records written behind their step. A quick unit that changes nothing (a transform, a read
// that ends before START_RECORD_DELAY_MS) has its start and end recorded in one statement;
// that statement is not awaited inside the step: it runs while the engine checkpoints the
// step, which is the longer of the two, so a chain of such units pays one round trip per unit
// instead of two. What the step gave up by not waiting is kept by this call's `RecordsBehind`:
//   - the run's cancel: the record says whether the run was cancelled first. Before the next
//     unit starts (and before the run's end), every record written behind is settled; one
//     that found the run cancelled ends the function as the cancel does (nothing after runs;
//     the unit changed nothing, and its row says `cancelled`).
//   - the record itself, if the process dies between the checkpoint and the record's commit
//     (or the write fails): the memoized outcome says its record was written behind
//     (`later`: the attempt, its start and end), so at the run's end (`finish`) any such unit
//     this call did not see recorded is checked, and written if missing (its output from the
//     memo; its input was not kept).
import "server-only";
import { NonRetriableError } from "inngest";
import { RunCancelledError } from "@/lib/actions/runtime/errors";
import { listRecordedAttempts } from "@/lib/db/run-queries";
import { logError } from "@/lib/log";
import { recordAttemptFinished, splitUnitId } from "@/lib/runs/records";
import { RUN_CANCELLED_MESSAGE } from "./unit-steps";

/** What a step memoizes of a record written behind it: enough to write it again. */
export type LaterRecord = { attempt: number; startedAt: string; finishedAt: string };

/** Tests stand between a step and its record here (a write that fails, a cancel first). */
export const recordsBehindSettings: { beforeWrite?: (unitId: string) => Promise<void> } = {};

type Unrecorded = { unitId: string; output: unknown; later: LaterRecord };

export class RecordsBehind {
  /** Units whose record this call wrote behind (settled or not). */
  private readonly written = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  /** Units whose record this call did not see land (replayed from a memo, or a failed write). */
  private readonly unrecorded = new Map<string, Unrecorded>();
  private cancelled = false;

  constructor(private readonly runId: string) {}

  /** Writes a unit's record (`write`) without waiting for it; `settle` waits. */
  write(unit: Unrecorded, write: () => Promise<"succeeded" | "failed" | "cancelled">) {
    const hook = recordsBehindSettings.beforeWrite;
    const settled = (hook ? hook(unit.unitId).then(write) : write()).then(
      (status) => {
        if (status === "cancelled") this.cancelled = true;
      },
      (error: unknown) => {
        logError(
          `[runs] the record of ${unit.unitId} (run ${this.runId}) could not be written; the run's end writes it`,
          error,
        );
        this.unrecorded.set(unit.unitId, unit);
      },
    );
    this.written.add(unit.unitId);
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /** Whether `settle` has anything to wait for or to say. */
  get unsettled(): boolean {
    return this.pending.size > 0 || this.cancelled;
  }

  /**
   * A task unit's outcome, executed or replayed: one whose record was written behind in an
   * earlier call (not pending here) may have lost it.
   */
  seen(unitId: string, outcome: { output: unknown; later?: LaterRecord }) {
    if (outcome.later && !this.written.has(unitId)) {
      this.unrecorded.set(unitId, { unitId, output: outcome.output, later: outcome.later });
    }
  }

  /**
   * Waits for every record written behind. One that found the run cancelled ends the function
   * as a unit stopped by the cancel does (unit-steps `RUN_CANCELLED_MESSAGE`).
   */
  async settle(): Promise<void> {
    if (this.pending.size > 0) await Promise.all(this.pending);
    if (this.cancelled) {
      throw new NonRetriableError(RUN_CANCELLED_MESSAGE, {
        cause: new RunCancelledError().toJSON(),
      });
    }
  }

  /** Writes the records this call did not see land and that are missing (inside `finish`). */
  async reconcile(): Promise<number> {
    if (this.unrecorded.size === 0) return 0;
    const units = [...this.unrecorded.values()];
    const attempts = await listRecordedAttempts({ runId: this.runId });
    const written = new Set(
      attempts.map((a) => `${a.stepId}\u0000${a.iteration}\u0000${a.attempt}`),
    );
    let added = 0;
    for (const { unitId, output, later } of units) {
      const { stepId, iteration } = splitUnitId(unitId);
      if (written.has(`${stepId}\u0000${iteration}\u0000${later.attempt}`)) continue;
      await recordAttemptFinished({
        runId: this.runId,
        unitId,
        attempt: later.attempt,
        status: "succeeded",
        output,
        startedAt: new Date(later.startedAt),
        finishedAt: new Date(later.finishedAt),
        refreshStatus: false,
      });
      added++;
    }
    return added;
  }
}
