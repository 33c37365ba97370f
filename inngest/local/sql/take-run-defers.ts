import type { Queryable } from "../sql-client";

export type DueDefer = { hash: string; fn_slug: string; input: unknown; meta: unknown };

/**
 * The run's defers to start now that it ended: every one added and not aborted, marked
 * scheduled so they start once, in the order they were added.
 */
export async function takeRunDefers(q: Queryable, runId: string): Promise<DueDefer[]> {
  return q.query<DueDefer>(
    `with due as (
       update engine.defers set scheduled_at = now()
       where run_id = $1 and not aborted and scheduled_at is null and fn_slug is not null
       returning hash, fn_slug, input, meta, created_at
     )
     select hash, fn_slug, input, meta from due order by created_at, hash`,
    [runId],
  );
}
