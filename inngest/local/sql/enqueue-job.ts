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
    concurrencyKey2?: string | null;
    concurrencyLimit2?: number | null;
  },
): Promise<void> {
  await q.query(
    `insert into engine.jobs (id, kind, run_id, payload, run_at, key, concurrency_key, concurrency_limit,
                              concurrency_key_2, concurrency_limit_2)
     values ($1, $2, $3, $4::text::jsonb, coalesce(to_timestamp($5::float8 / 1000), now()), $6, $7, $8,
             $9, $10)
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
      job.concurrencyKey2 ?? null,
      job.concurrencyLimit2 ?? null,
    ],
  );
}
