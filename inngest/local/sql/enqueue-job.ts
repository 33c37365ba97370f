import { ulid } from "../ids";
import type { JobKind } from "../interfaces";
import type { Queryable } from "../sql-client";

/** Adds a job; with a `key`, a second job with the same key is silently dropped. */
export async function enqueueJob(
  q: Queryable,
  job: {
    kind: JobKind;
    runId?: string | null;
    payload: Record<string, unknown>;
    runAt?: number;
    key?: string;
    concurrencyKey?: string | null;
    concurrencyLimit?: number | null;
  },
): Promise<void> {
  await q.query(
    `insert into engine.jobs (id, kind, run_id, payload, run_at, key, concurrency_key, concurrency_limit)
     values ($1, $2, $3, $4::text::jsonb, coalesce(to_timestamp($5::float8 / 1000), now()), $6, $7, $8)
     on conflict (key) do nothing`,
    [
      ulid(),
      job.kind,
      job.runId ?? null,
      job.payload,
      job.runAt ?? null,
      job.key ?? null,
      job.concurrencyKey ?? null,
      job.concurrencyLimit ?? null,
    ],
  );
}
