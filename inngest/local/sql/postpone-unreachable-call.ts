import type { Queryable } from "../sql-client";

/**
 * Gives a call job back to the queue after its app could not be reached at all (the process
 * serving it is gone or restarting), due after `delayMs`, at the same attempt: it counts the
 * miss in `payload.unreachable` instead. Another process, or this one's app once it is back,
 * makes the call.
 */
export async function postponeUnreachableCall(
  q: Queryable,
  id: string,
  delayMs: number,
): Promise<void> {
  await q.query(
    `update engine.jobs set locked_at = null, locked_by = null,
       run_at = now() + ($2::float8 * interval '1 millisecond'),
       payload = jsonb_set(payload, '{unreachable}',
         to_jsonb(coalesce((payload->>'unreachable')::int, 0) + 1))
     where id = $1`,
    [id, delayMs],
  );
}
