import type { Queryable } from "../sql-client";

/**
 * `DeferAbort`: the defer never starts. Kept as a row even when its add never arrived (the SDK
 * drops an add aborted in the same request), so a later add of that id stays aborted. A defer
 * already scheduled (its run ended) is past aborting.
 */
export async function abortDefer(q: Queryable, d: { runId: string; hash: string }): Promise<void> {
  await q.query(
    `insert into engine.defers (run_id, hash, aborted) values ($1, $2, true)
     on conflict (run_id, hash) do update set aborted = true
       where engine.defers.scheduled_at is null`,
    [d.runId, d.hash],
  );
}
