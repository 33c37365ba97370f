import type { Queryable } from "../sql-client";

/**
 * `DeferAdd`: records a run the run asks to start once it ends. The first add of a hashed id
 * wins (a replayed or duplicated add changes nothing), and an abort that arrived first keeps
 * the defer aborted.
 */
export async function addDefer(
  q: Queryable,
  d: { runId: string; hash: string; fnSlug: string; input: unknown; meta: unknown },
): Promise<void> {
  await q.query(
    `insert into engine.defers (run_id, hash, fn_slug, input, meta)
     values ($1, $2, $3, $4::text::jsonb, $5::text::jsonb)
     on conflict (run_id, hash) do update
       set fn_slug = excluded.fn_slug, input = excluded.input, meta = excluded.meta
       where engine.defers.fn_slug is null`,
    [
      d.runId,
      d.hash,
      d.fnSlug,
      JSON.stringify(d.input ?? null),
      d.meta === undefined ? null : JSON.stringify(d.meta),
    ],
  );
}
